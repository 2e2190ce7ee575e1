// The navigation search box's type-ahead: arrows move through the suggestions htmx fetched,
// Enter opens the focused one (or, in the box, the full results page), Escape closes them.
(function () {
  "use strict";
  function options(box) {
    return Array.prototype.slice.call(box.querySelectorAll("[role=option]"));
  }
  function close(input, box) {
    box.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "search-suggestions") return;
    var input = document.getElementById("global-search");
    if (input) input.setAttribute("aria-expanded", options(event.detail.target).length ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    var input = document.getElementById("global-search");
    var box = document.getElementById("search-suggestions");
    if (!input || !box || !(event.target === input || box.contains(event.target))) return;
    var list = options(box);
    var at = list.indexOf(document.activeElement);
    if (event.key === "Escape") {
      close(input, box);
      input.focus();
      event.preventDefault();
    } else if (event.key === "ArrowDown" && list.length) {
      list[Math.min(at + 1, list.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && list.length) {
      if (at <= 0) input.focus(); else list[at - 1].focus();
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var input = document.getElementById("global-search");
    var box = document.getElementById("search-suggestions");
    if (input && box && !input.form.contains(event.target)) close(input, box);
  });
})();
