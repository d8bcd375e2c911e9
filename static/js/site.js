// Move focus to the error summary when a form comes back with problems, as GOV.UK pages do;
// otherwise back to the button that was pressed, when the page returns to its place.
(function () {
  "use strict";
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); return; }
  // After a button's form posts and the page returns to its place (#id), focus that button again.
  var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var control = target && target.querySelector("[data-refocus]");
  // After "load": the browser's own move to the #id would otherwise take the focus away again.
  if (control) { window.addEventListener("load", function () { control.focus(); }); }
})();
