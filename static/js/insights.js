// Insights pages: the print button (no inline handlers under the strict CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".js-print");
    if (button) {
      window.print();
    }
  });
})();
