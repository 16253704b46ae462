// Portal behaviour without inline handlers (the Content Security Policy forbids them).
document.addEventListener("DOMContentLoaded", function () {
  // Auto-submit filter forms marked data-autosubmit when a select changes (they also have a button).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
    el.addEventListener("change", function () { el.form.requestSubmit(); });
  });
});
