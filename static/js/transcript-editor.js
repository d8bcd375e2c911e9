// Transcript editor: "Play from" plays the page's recording from that paragraph, and the
// paragraph being heard is marked. Without JavaScript each link opens the recording at that
// time in a new tab, so nothing typed on the page is lost.
(function () {
  "use strict";
  var audio = document.getElementById("story-audio");
  if (!audio) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll(".segment-row[data-start]"));
  var current = null;

  Array.prototype.forEach.call(document.querySelectorAll("[data-seek]"), function (link) {
    link.removeAttribute("target");
    var note = link.querySelector("[data-new-tab]");
    if (note) { note.remove(); }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      audio.currentTime = Number(link.dataset.seek);
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    });
  });

  function mark() {
    var time = audio.currentTime;
    var found = null;
    for (var i = 0; i < rows.length; i++) {
      if (Number(rows[i].dataset.start) <= time) { found = rows[i]; } else { break; }
    }
    if (found === current) { return; }
    if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
    current = found;
    if (current) { current.classList.add("is-current"); current.setAttribute("aria-current", "true"); }
  }
  audio.addEventListener("timeupdate", mark);
  audio.addEventListener("seeked", mark);
})();
