// Dialogue pages: draft autosave for the log-a-meeting form, next-step rows, the attendee picker.
// Everything here is an enhancement: the forms submit and validate without it.
(function () {
  "use strict";

  var DRAFT_VERSION = 2;

  function storage() {
    try {
      var probe = "accord:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function clearFinishedDraft(store) {
    var meta = document.querySelector('meta[name="accord-clear-draft"]');
    if (store && meta && meta.content) {
      store.removeItem(meta.content);
    }
  }

  function timeText(ms) {
    var d = new Date(ms);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // --- repeatable rows (Django formsets: next steps, new problems, new people) -------------
  function setupFormset(box) {
    var rows = box.querySelector("[data-formset-rows]");
    var template = box.querySelector("template[data-formset-template]");
    var button = box.querySelector("[data-formset-add]");
    var form = box.closest("form");
    if (!rows || !template || !button || !form) {
      return null;
    }
    var prefix = rows.getAttribute("data-prefix");
    var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');

    function addRow() {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) {
        return null;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      return row;
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      var row = addRow();
      if (row) {
        var first = row.querySelector("input, select, textarea");
        if (first) {
          first.focus();
        }
        form.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    return {
      prefix: prefix,
      count: function () { return parseInt(total.value, 10); },
      ensure: function (n) {
        while (parseInt(total.value, 10) < n && addRow()) { /* add rows until n */ }
      }
    };
  }

  // All the form's formsets, seen by the draft as one: counts and restores per prefix.
  function setupFormsets(form) {
    var sets = Array.prototype.map.call(form.querySelectorAll("[data-formset]"), setupFormset)
      .filter(Boolean);
    return {
      count: function () {
        var counts = {};
        sets.forEach(function (set) { counts[set.prefix] = set.count(); });
        return counts;
      },
      ensure: function (counts) {
        sets.forEach(function (set) {
          if (counts && counts[set.prefix]) {
            set.ensure(counts[set.prefix]);
          }
        });
      }
    };
  }

  // Ctrl+Enter (Cmd+Enter on a Mac) saves from any field, as in mail and chat apps.
  function setupSaveShortcut(form) {
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      }
    });
  }

  // --- the customer-attendee picker --------------------------------------------------------
  function setupPicker(form) {
    var root = form.querySelector("[data-picker]");
    if (!root) {
      return null;
    }
    var ui = root.querySelector("[data-picker-ui]");
    var fallback = root.querySelector("[data-picker-fallback]");
    var select = fallback.querySelector("select");
    var chosen = root.querySelector("[data-picker-chosen]");
    var options = root.querySelector("#stakeholder-options");
    var search = root.querySelector("#stakeholder-search");
    var selectLabel = root.querySelector("[data-picker-select-label]");
    ui.hidden = false;
    fallback.hidden = true;
    selectLabel.hidden = true;

    function render() {
      chosen.textContent = "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected) {
          return;
        }
        var li = document.createElement("li");
        li.className = "chip";
        var name = document.createElement("span");
        name.textContent = option.textContent;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove";
        remove.setAttribute("data-unpick", option.value);
        remove.setAttribute("aria-label", "Remove " + option.textContent);
        remove.textContent = "×";
        li.appendChild(name);
        li.appendChild(remove);
        chosen.appendChild(li);
      });
    }

    root.addEventListener("click", function (event) {
      var pick = event.target.closest("[data-pick]");
      var unpick = event.target.closest("[data-unpick]");
      var value = pick ? pick.getAttribute("data-pick") : unpick ? unpick.getAttribute("data-unpick") : null;
      if (value === null) {
        return;
      }
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value === value) {
          option.selected = Boolean(pick);
        }
      });
      render();
      form.dispatchEvent(new Event("input", { bubbles: true }));
      if (pick) {
        search.value = "";
        options.textContent = "";
        search.focus();
      } else {
        search.focus();
      }
    });
    var pendingPick = false;
    function pickTop() {
      var top = options.querySelector("[data-pick]");
      if (!top || top.getAttribute("data-for-q") !== search.value.trim()) {
        return false;
      }
      top.click();
      return true;
    }
    search.addEventListener("input", function () {
      pendingPick = false;
    });
    // Matches arriving for what was typed replace the list: someone who had already arrowed
    // into the older list keeps their place on the first new match instead of losing focus.
    var focusWasInOptions = false;
    root.addEventListener("htmx:beforeSwap", function () {
      focusWasInOptions = options.contains(document.activeElement);
    });
    options.addEventListener("htmx:afterSwap", function () {
      if (pendingPick) {
        pendingPick = !pickTop();
      } else if (focusWasInOptions) {
        (options.querySelector("[data-pick]") || search).focus();
      }
      focusWasInOptions = false;
    });
    // Arrow down from the search box moves into the matches.
    search.addEventListener("keydown", function (event) {
      // Enter in the search box picks the first match instead of submitting the meeting;
      // if the matches for what was typed have not arrived yet, it picks when they do.
      if (event.key === "Enter") {
        event.preventDefault();
        pendingPick = !pickTop();
        return;
      }
      if (event.key === "ArrowDown") {
        var first = options.querySelector("[data-pick]");
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    options.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(options.querySelectorAll("[data-pick]"));
      var index = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < buttons.length - 1) {
        event.preventDefault();
        buttons[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index > 0 ? buttons[index - 1] : search).focus();
      } else if (event.key === "Escape") {
        options.textContent = "";
        search.focus();
      }
    });
    render();
    return { render: render };
  }

  // --- draft autosave ------------------------------------------------------------------------
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.name !== "csrfmiddlewaretoken" &&
        !el.hasAttribute("data-no-draft") && el.type !== "hidden" && el.type !== "submit" &&
        el.type !== "button";
    });
  }

  function serialize(form, formset) {
    var values = {};
    draftFields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) {
          (values[el.name] = values[el.name] || []).push(el.value);
        }
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[el.name] = [el.value];
      }
    });
    return { v: DRAFT_VERSION, savedAt: Date.now(), rows: formset ? formset.count() : 0, values: values };
  }

  function restore(form, draft, formset) {
    if (formset && draft.rows) {
      formset.ensure(draft.rows);
    }
    var seen = {};
    draftFields(form).forEach(function (el) {
      var values = draft.values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        if (values) {
          el.checked = values.indexOf(el.value) !== -1;
        } else if (el.type === "checkbox") {
          el.checked = false;
        }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = Boolean(values) && values.indexOf(o.value) !== -1;
        });
      } else if (values && !seen[el.name]) {
        el.value = values[0];
        seen[el.name] = true;
      }
    });
  }

  function hasContent(draft) {
    return Object.keys(draft.values).some(function (name) {
      return /(title|notes|customer_said|insights|description|name)$/.test(name) &&
        draft.values[name].some(function (v) { return v && v.trim(); });
    });
  }

  function setupDraft(form, formset, picker) {
    var key = form.getAttribute("data-draft-key");
    var store = storage();
    var status = document.getElementById("draft-status");
    var discard = document.querySelector("[data-draft-discard]");
    if (!key || !store || !status) {
      return;
    }
    function say(text) {
      status.textContent = text;
    }
    var raw = store.getItem(key);
    var draft = null;
    try {
      draft = raw ? JSON.parse(raw) : null;
    } catch (e) {
      draft = null;
    }
    if (draft && draft.v === DRAFT_VERSION && draft.values) {
      restore(form, draft, formset);
      if (picker) {
        picker.render();
      }
      // Open the folded sections that the draft filled in.
      form.querySelectorAll("details[data-open-if-filled]").forEach(function (details) {
        var filled = Array.prototype.some.call(details.querySelectorAll("input[type=text], textarea"),
          function (el) { return el.value.trim() !== ""; });
        if (filled) {
          details.open = true;
        }
      });
      say("Draft restored from this browser (saved " + timeText(draft.savedAt) + ").");
      discard.hidden = false;
    } else {
      say("Your typing is saved as a draft in this browser.");
    }
    var timer = null;
    function save() {
      timer = null;
      var current = serialize(form, formset);
      if (!hasContent(current)) {
        return;
      }
      try {
        store.setItem(key, JSON.stringify(current));
        say("Draft saved " + timeText(current.savedAt) + ".");
        discard.hidden = false;
      } catch (e) {
        say("Could not save a draft in this browser (storage is full or disabled).");
      }
    }
    function schedule() {
      if (timer) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(save, 300);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // Save right away before leaving: the submit may fail or the tab may close.
    form.addEventListener("submit", function () {
      if (timer) {
        window.clearTimeout(timer);
      }
      save();
    });
    window.addEventListener("pagehide", function () {
      if (timer) {
        window.clearTimeout(timer);
        save();
      }
    });
    discard.addEventListener("click", function () {
      store.removeItem(key);
      window.location.reload();
    });
  }

  function init() {
    clearFinishedDraft(storage());
    var form = document.querySelector("form.meeting-form");
    if (!form) {
      return;
    }
    // A double click on "Save" must not log the meeting twice.
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "1");
    });
    window.addEventListener("pageshow", function () {
      form.removeAttribute("data-submitting");
    });
    var formset = setupFormsets(form);
    setupSaveShortcut(form);
    var picker = setupPicker(form);
    if (form.hasAttribute("data-draft-key")) {
      setupDraft(form, formset, picker);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
