// Small progressive enhancements; the pages work without them.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target && event.detail.xhr && event.detail.xhr.status >= 500) {
      var note = document.createElement("p");
      note.className = "error";
      note.setAttribute("role", "alert");
      // The words come translated from base.html's <body data-text-server-error>.
      note.textContent = document.body.getAttribute("data-text-server-error") ||
        "That did not work: the server had a problem. Your input is still here; try again.";
      target.insertAdjacentElement("afterend", note);
    }
  });

  // On a phone the top bar is one row: the menu button opens the navigation below it.
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".menu-toggle");
    if (!toggle) {
      return;
    }
    var bar = toggle.closest(".topbar");
    var open = !bar.classList.contains("is-open");
    bar.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // On a phone the account tabs are one swipeable row: bring the current tab into view.
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".tabs [aria-current=page]");
    if (current) {
      var row = current.closest(".tabs");
      if (row && row.scrollWidth > row.clientWidth) {
        row.scrollLeft = current.offsetLeft - row.offsetLeft - 16;
      }
    }
  });

  // Forms whose work takes a while (uploads, imports) say so while the server works, and a
  // second click cannot send them twice. The message comes from the form's data-busy attribute.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy") || event.defaultPrevented) {
      return;
    }
    var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    var status = form.querySelector("[data-busy-status]");
    if (!status) {
      status = document.createElement("p");
      status.setAttribute("role", "status");
      status.setAttribute("data-busy-status", "");
      status.className = "busy-status";
      form.appendChild(status);
    }
    status.innerHTML = "";
    var spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    status.appendChild(spinner);
    status.appendChild(document.createTextNode(" " + form.getAttribute("data-busy")));
    form.setAttribute("aria-busy", "true");
    if (button) {
      // Disabled after this tick, so the browser still sends the button's own name and value.
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  // Destructive forms (data-confirm="question") ask in a dialog first; "Keep it" or Escape
  // keeps everything. Without JS they submit directly (the page says what happens).
  var confirmedForm = null;
  window.addEventListener("submit", function (event) {
    var form = event.target;
    var dialog = document.getElementById("confirm-dialog");
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm") || !dialog) {
      return;
    }
    if (confirmedForm === form) {
      confirmedForm = null;
      return;
    }
    // Before htmx and every other listener sees it.
    event.preventDefault();
    event.stopPropagation();
    var submitter = event.submitter || null;
    dialog.querySelector("[data-confirm-question]").textContent = form.getAttribute("data-confirm");
    var yes = dialog.querySelector("[data-confirm-yes]");
    if (submitter && submitter.textContent.trim()) {
      yes.textContent = submitter.textContent.trim();
    }
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "confirm") {
        confirmedForm = form;
        if (submitter && submitter.form === form) {
          form.requestSubmit(submitter);
        } else {
          form.requestSubmit();
        }
      } else if (submitter) {
        submitter.focus();
      }
    });
    dialog.showModal();
  }, true);

  // Copy buttons: data-copy names the field whose value goes to the clipboard.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    var field = button && document.querySelector(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.getAttribute("data-copied") || button.textContent;
    });
  });

  // Back/forward cache: a page shown again must not keep a disabled button.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-busy][aria-busy]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
      form.querySelectorAll("[data-busy-status]").forEach(function (s) { s.textContent = ""; });
    });
  });
})();
