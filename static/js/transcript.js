// Interactive transcript: highlight the line being spoken, and seek when a line is chosen.
// Without JavaScript each time is a link that reloads the page with the player set to start there.
(function () {
  "use strict";
  var audio = document.getElementById("story-audio");
  var list = document.querySelector("[data-transcript]");
  if (!audio || !list) { return; }
  var segments = Array.prototype.slice.call(list.querySelectorAll(".segment[data-start]"));
  var current = null;

  function seek(seconds) {
    audio.currentTime = seconds;
    var playing = audio.play();
    if (playing && playing.catch) { playing.catch(function () {}); }
  }

  function highlight() {
    var time = audio.currentTime;
    var found = null;
    for (var i = 0; i < segments.length; i++) {
      if (Number(segments[i].dataset.start) <= time) { found = segments[i]; } else { break; }
    }
    if (found === current) { return; }
    if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
    current = found;
    if (current) { current.classList.add("is-current"); current.setAttribute("aria-current", "true"); }
  }

  list.addEventListener("click", function (event) {
    var link = event.target.closest("[data-seek]");
    var segment = event.target.closest(".segment[data-start]");
    if (link) {
      event.preventDefault();
      seek(Number(link.dataset.seek));
    } else if (segment && !window.getSelection().toString()) {
      seek(Number(segment.dataset.start));
    }
  });
  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);
})();
