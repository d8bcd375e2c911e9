// Report pages: a print button, and the PDF progress bar that follows the background render.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
    var option = button.closest(".print-option");
    if (option) { option.hidden = false; }  // printing needs this script, so offer it only now
  });

  var bar = document.querySelector("[data-pdf-progress]");
  if (!bar) { return; }
  var step = document.querySelector("[data-pdf-step]");
  function download() {
    bar.value = 100;
    bar.textContent = "100%";
    if (step) { step.textContent = "Ready: the download starts now. If it does not, reload this page."; }
    window.location.reload();  // the same address now downloads the PDF
  }
  function poll() {
    fetch(bar.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.headers.get("Content-Type") !== "application/json") {
          download();  // the PDF is ready, so the status address answers with it
          return null;
        }
        return response.json();
      })
      .then(function (status) {
        if (!status) { return; }
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        if (step && status.step) { step.textContent = status.step; }
        if (status.state === "ready") {
          download();
        } else if (status.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
