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

// Buttons that copy a private link shown once; shown only where the browser can copy.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var status = button.parentNode.querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = "Copied. Paste it into a message to them.";
      }, function () {
        status.textContent = "Copying did not work here: select the link and copy it.";
      });
    });
  });
})();
