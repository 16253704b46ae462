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

// Switching school in the header leaves the page: when a form on the page holds unsaved input, ask first.
document.addEventListener("DOMContentLoaded", function () {
  var dirty = false;
  document.querySelectorAll("main form[method='post'], main form[method='POST']").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  var switcher = document.getElementById("school-switcher");
  if (!switcher || !switcher.form) { return; }
  var message = switcher.form.getAttribute("data-unsaved-message") || "Leave this page without saving?";
  switcher.form.addEventListener("submit", function (event) {
    if (dirty && !window.confirm(message)) {
      event.preventDefault();
      switcher.value = switcher.getAttribute("data-current") || "";
    }
  });
});
