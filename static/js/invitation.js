// The plan-a-meeting page: a calendar invitation (.ics) dropped anywhere on the page, or chosen
// in the file field, is read at once (the "Read the invitation" button, which works without JS).
(function () {
  "use strict";

  function hasFiles(event) {
    var types = event.dataTransfer ? event.dataTransfer.types : [];
    return Array.prototype.indexOf.call(types, "Files") >= 0;
  }

  function setup(box) {
    var form = box.closest("form");
    var input = box.querySelector('input[type="file"]');
    var button = box.querySelector("[data-ics-read]");
    if (!form || !input || !button) {
      return;
    }
    function read() {
      box.classList.remove("is-dropping");
      form.requestSubmit(button);
    }
    input.addEventListener("change", function () {
      if (input.files.length) {
        read();
      }
    });
    document.addEventListener("dragover", function (event) {
      if (hasFiles(event)) {
        event.preventDefault();  // a file dropped here is read, not opened by the browser
        box.classList.add("is-dropping");
      }
    });
    document.addEventListener("dragleave", function (event) {
      if (!event.relatedTarget) {
        box.classList.remove("is-dropping");
      }
    });
    document.addEventListener("drop", function (event) {
      if (!hasFiles(event) || !event.dataTransfer.files.length) {
        return;
      }
      event.preventDefault();
      input.files = event.dataTransfer.files;
      read();
    });
  }

  document.querySelectorAll("[data-ics-drop]").forEach(setup);
})();
