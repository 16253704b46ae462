// Portal behaviour without inline handlers (the Content Security Policy forbids them).
document.addEventListener("DOMContentLoaded", function () {
  // Auto-submit filter forms marked data-autosubmit when a select changes (they also have a button).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
    el.addEventListener("change", function () { el.form.requestSubmit(); });
  });
  // A refused form comes back with its errors: the focus goes to the first field in error, so its label and
  // message (tied by aria-describedby) are read first and the person can correct it straight away.
  var invalid = document.querySelector("main form .is-invalid, main form [aria-invalid='true']");
  if (invalid) { invalid.focus(); }
});
