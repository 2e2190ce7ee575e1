// Small progressive enhancements; the pages work without them.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target && event.detail.xhr && event.detail.xhr.status >= 500) {
      var note = document.createElement("p");
      note.className = "error";
      note.setAttribute("role", "alert");
      note.textContent = "That did not work: the server had a problem. Your input is still here; try again.";
      target.insertAdjacentElement("afterend", note);
    }
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
})();
