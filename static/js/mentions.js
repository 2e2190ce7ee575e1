// @mentions in any textarea inside an element with data-mentions="<url>": typing "@" offers
// the people who can see the account (first name, last name or username, accents folded by
// the server), chosen with the arrow keys and Enter or Tab (Escape closes); names that match
// nobody on the account are flagged under the field before posting. Without this script the
// text is posted as typed and the server names any unknown mention after posting.
(function () {
  "use strict";
  var TOKEN = /(?:^|[^\w@.+-])@([\w.@+-]*)$/;
  var MENTIONS = /(?:^|[^\w@.+-])@([\w.@+-]*[\w+-])/g;
  var lastId = 0;

  // The words come translated from base.html's <body data-text-...> attributes.
  function text(name, fallback) {
    return document.body.getAttribute("data-text-" + name) || fallback;
  }

  function urlFor(textarea) {
    var holder = textarea.closest("[data-mentions]");
    return holder ? holder.getAttribute("data-mentions") : null;
  }

  function state(textarea) {
    if (!textarea._mentions) {
      lastId += 1;
      var list = document.createElement("ul");
      list.className = "mention-list";
      list.id = "mention-list-" + lastId;
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", text("mention-list", "People who can see this account"));
      list.hidden = true;
      var warning = document.createElement("p");
      warning.className = "mention-warning";
      warning.setAttribute("role", "status");
      warning.setAttribute("aria-live", "polite");
      textarea.insertAdjacentElement("afterend", warning);
      textarea.insertAdjacentElement("afterend", list);
      textarea.setAttribute("aria-autocomplete", "list");
      textarea.setAttribute("aria-controls", list.id);
      textarea._mentions = { list: list, warning: warning, people: [], active: -1, timer: null, seq: 0 };
    }
    return textarea._mentions;
  }

  function fetchJson(url, params) {
    var query = new URLSearchParams(params).toString();
    return fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }

  function typedNames(text) {
    var names = [];
    var match;
    MENTIONS.lastIndex = 0;
    while ((match = MENTIONS.exec(text)) !== null) {
      if (names.indexOf(match[1]) === -1) { names.push(match[1]); }
    }
    return names.slice(0, 20);
  }

  function close(textarea) {
    var s = state(textarea);
    s.list.hidden = true;
    s.list.textContent = "";
    s.people = [];
    s.active = -1;
    textarea.removeAttribute("aria-activedescendant");
  }

  function highlight(textarea, index) {
    var s = state(textarea);
    var items = s.list.querySelectorAll("li");
    s.active = index;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (items[index]) { textarea.setAttribute("aria-activedescendant", items[index].id); }
  }

  function show(textarea, people) {
    var s = state(textarea);
    s.list.textContent = "";
    s.people = people;
    if (!people.length) { close(textarea); return; }
    people.forEach(function (person, i) {
      var item = document.createElement("li");
      item.id = s.list.id + "-" + i;
      item.setAttribute("role", "option");
      item.dataset.username = person.username;
      var name = document.createElement("strong");
      name.textContent = person.name;
      var handle = document.createElement("span");
      handle.className = "muted";
      handle.textContent = " @" + person.username;
      item.appendChild(name);
      item.appendChild(handle);
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(textarea, i);
      });
      s.list.appendChild(item);
    });
    s.list.hidden = false;
    highlight(textarea, 0);
  }

  function choose(textarea, index) {
    var s = state(textarea);
    var person = s.people[index];
    if (!person) { return; }
    var before = textarea.value.slice(0, textarea.selectionStart);
    var after = textarea.value.slice(textarea.selectionStart);
    var at = before.lastIndexOf("@");
    var inserted = "@" + person.username + " ";
    textarea.value = before.slice(0, at) + inserted + after.replace(/^[\w.@+-]*/, "");
    var caret = at + inserted.length;
    textarea.setSelectionRange(caret, caret);
    close(textarea);
    check(textarea);
  }

  function check(textarea) {
    var url = urlFor(textarea);
    var s = state(textarea);
    var names = typedNames(textarea.value);
    var before = textarea.value.slice(0, textarea.selectionStart);
    var token = TOKEN.exec(before);
    var params = { names: names.join(",") };
    if (token) { params.q = token[1]; }
    s.seq += 1;
    var seq = s.seq;
    fetchJson(url, params).then(function (data) {
      if (!data || seq !== s.seq) { return; }
      if (token) { show(textarea, data.people); } else { close(textarea); }
      var unknown = data.unknown.filter(function (name) {
        // The name being typed is not finished yet: do not flag it.
        return !(token && token[1] === name && before.endsWith(name));
      });
      s.warning.textContent = unknown.map(function (name) {
        return text("mention-unknown", "@{name} matches nobody on this account").replace("{name}", name);
      }).join("; ");
      s.warning.classList.toggle("error", unknown.length > 0);
    });
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !urlFor(textarea)) { return; }
    var s = state(textarea);
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { check(textarea); }, 150);
  });

  document.addEventListener("keydown", function (event) {
    var textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea._mentions) { return; }
    var s = textarea._mentions;
    if (s.list.hidden || !s.people.length) { return; }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(textarea, (s.active + 1) % s.people.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(textarea, (s.active - 1 + s.people.length) % s.people.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(textarea, s.active < 0 ? 0 : s.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(textarea);
    }
  });

  document.addEventListener("focusout", function (event) {
    var textarea = event.target;
    if (textarea instanceof HTMLTextAreaElement && textarea._mentions) { close(textarea); }
  });
})();
