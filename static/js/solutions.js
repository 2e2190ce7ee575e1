// Solutions and notifications: small enhancements on top of htmx; the pages work without them.
(function () {
  "use strict";
  // A notification marked read in place updates the unread badge in the navigation.
  document.body.addEventListener("notifications-changed", function (event) {
    var badge = document.querySelector(".usermenu .badge");
    if (!badge || !event.detail || typeof event.detail.unread !== "number") {
      return;
    }
    badge.textContent = String(event.detail.unread);
    badge.setAttribute("aria-label", event.detail.unread + " unread notifications");
  });
  // After a comment is posted, edited or deleted, keep the reader where the change happened.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var thread = event.detail.target;
    if (!thread || !thread.classList || !thread.classList.contains("comments")) {
      return;
    }
    var alert = thread.querySelector("[role=alert]");
    if (alert) {
      alert.setAttribute("tabindex", "-1");
      alert.focus();
    }
  });
})();
