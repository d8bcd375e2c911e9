// Move focus to the error summary when a form comes back with problems, as GOV.UK pages do.
(function () {
  "use strict";
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
})();
