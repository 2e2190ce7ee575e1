// Customer workspace: confirm destructive step removal; the forms work without this script.
(function () {
  "use strict";
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("form[data-confirm]") : null;
    if (!form) {
      return;
    }
    event.preventDefault();
    if (window.confirm(form.getAttribute("data-confirm"))) {
      event.detail.issueRequest(true);
    }
  });
})();
