// Move focus to the error summary when a form comes back with problems, as GOV.UK pages do;
// otherwise back to the button that was pressed, when the page returns to its place.
(function () {
  "use strict";
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); return; }
  // After a button's form posts and the page returns to its place (#id), focus that button again.
  var target = null;
  try {
    target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  } catch (error) { return; }  // Not a hash this site made.
  var control = target && target.querySelector(":scope > [data-refocus]");
  // After "load": the browser's own move to the #id would otherwise take the focus away again.
  if (control) { window.addEventListener("load", function () { control.focus(); }); }
})();

// Buttons that copy a private link shown once; shown only where the browser can copy.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var status = button.parentNode.querySelector("[data-copy-status]");
    var source = document.getElementById(button.dataset.copy);
    if (!status || !source) { return; }
    button.hidden = false;
    function say(text) {  // Emptied first, so that saying it again is announced again.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        say("Copied. Paste it into a message to them.");
      }, function () {
        say("Copying did not work here: select the link and copy it.");
      });
    });
  });
})();
