// Proposes the browser's time zone to a user who has not chosen one (the banner in base.html
// stays hidden without JavaScript or without an Intl time zone).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("propose-time-zone");
    if (!form) return;
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return;
    }
    if (!zone) return;
    form.querySelector("input[name=time_zone]").value = zone;
    form.querySelector("[data-zone]").textContent = zone;
    form.hidden = false;
  });
})();
