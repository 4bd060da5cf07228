// Page behaviour without inline script (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  // Forms marked data-autosubmit submit when a field changes (language switcher).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });

  // Buttons with data-confirm ask before their form is sent.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Keep the open tab in the URL hash so reloads and shared links land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var hash = window.location.hash;
    if (hash && window.bootstrap) {
      var trigger = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + hash + '"]');
      if (trigger) {
        window.bootstrap.Tab.getOrCreateInstance(trigger).show();
      }
    }
    document.querySelectorAll('[data-bs-toggle="tab"]').forEach(function (tab) {
      tab.addEventListener("shown.bs.tab", function (event) {
        history.replaceState(null, "", event.target.getAttribute("data-bs-target"));
      });
    });
  });
})();
