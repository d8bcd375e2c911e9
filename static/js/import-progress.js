// The import progress page: follow the background import, and show the result when it ends.
(function () {
  "use strict";
  var bar = document.querySelector("[data-import-progress]");
  if (!bar) { return; }
  var step = document.querySelector("[data-import-step]");
  function poll() {
    fetch(bar.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        if (step && status.step) { step.textContent = status.step; }
        if (status.state === "done" || status.state === "failed" || status.stopped) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
