// A copy of everything held about a storyteller: follow the worker, then show the download.
(function () {
  "use strict";
  var bar = document.querySelector("[data-copy-progress]");
  if (!bar) { return; }
  var step = document.querySelector("[data-copy-step]");
  function poll() {
    fetch(bar.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        if (step && status.step) { step.textContent = status.step; }
        if (status.state === "ready" || status.state === "failed") {
          window.location.reload();  // the page then offers the download, or says what failed
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
