// Upload large recordings with a progress bar, and refuse oversize files before sending them.
// Without JavaScript the form still posts normally and the server gives the same messages.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var maxBytes = Number(form.dataset.maxBytes);
    var box = form.querySelector(".upload-progress");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");

    function showError(message) {
      var old = form.querySelector(".error-message[data-client]");
      if (old) { old.remove(); }
      var p = document.createElement("p");
      p.className = "error-message";
      p.dataset.client = "1";
      p.id = input.id + "_client_error";
      p.textContent = message;
      input.parentNode.insertBefore(p, input);
      input.setAttribute("aria-describedby", p.id);
      input.focus();
    }

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file || !window.XMLHttpRequest || !window.FormData) { return; }
      event.preventDefault();
      if (file.size > maxBytes) {
        showError("The file is larger than " + Math.round(maxBytes / 1024 / 1024) + " MB. Nothing was uploaded.");
        return;
      }
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.floor((e.loaded / e.total) * 100);
        bar.value = percent;
        text.textContent = percent + "% uploaded";
      });
      request.addEventListener("load", function () {
        // The response is the page the server chose (the story, or the form with its errors);
        // show it as it is, so its messages are not lost to a second request.
        if (request.responseURL) {
          window.history.replaceState(null, "", request.responseURL);
        }
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        box.hidden = true;
        showError("The upload stopped. Check your connection and try again.");
      });
      box.hidden = false;
      form.querySelector("button[type=submit]").disabled = true;
      request.send(new FormData(form));
    });
  });
})();
