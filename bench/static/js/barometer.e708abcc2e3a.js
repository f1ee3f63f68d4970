// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // Move focus to an error summary so screen-reader and keyboard users meet it first.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
})();
