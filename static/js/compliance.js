// Reason tooltips of the ten-actions dashboard. CSS shows them on hover and focus; this file keeps them
// inside the window (fixed position, so the scrolling table does not clip them), lets Escape dismiss
// them (WCAG 1.4.13) and lets a tap pin one open on touch screens.
document.addEventListener("DOMContentLoaded", function () {
  function place(cell) {
    var trigger = cell.querySelector(".status-trigger");
    var tip = cell.querySelector(".status-tip");
    if (!trigger || !tip) { return; }
    var box = trigger.getBoundingClientRect();
    tip.classList.add("tip-fixed");
    var left = Math.min(box.left, window.innerWidth - tip.offsetWidth - 8);
    var top = box.bottom + 4;
    if (top + tip.offsetHeight > window.innerHeight) { top = box.top - tip.offsetHeight - 4; }
    tip.style.left = Math.max(8, left) + "px";
    tip.style.top = Math.max(8, top) + "px";
  }
  document.querySelectorAll(".status-cell").forEach(function (cell) {
    if (!cell.querySelector(".status-trigger")) { return; }
    cell.addEventListener("mouseenter", function () { cell.classList.remove("tip-dismissed"); place(cell); });
    cell.addEventListener("focusin", function () { cell.classList.remove("tip-dismissed"); place(cell); });
    cell.addEventListener("mouseleave", function () { cell.classList.remove("tip-pinned"); });
    cell.addEventListener("focusout", function () { cell.classList.remove("tip-pinned"); });
    cell.querySelector(".status-trigger").addEventListener("click", function () {
      cell.classList.toggle("tip-pinned"); place(cell);
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll(".status-cell:hover, .status-cell:focus-within, .status-cell.tip-pinned")
      .forEach(function (cell) { cell.classList.remove("tip-pinned"); cell.classList.add("tip-dismissed"); });
  });
  window.addEventListener("scroll", function () {
    document.querySelectorAll(".status-cell:focus-within, .status-cell.tip-pinned").forEach(place);
  }, { passive: true });
});
