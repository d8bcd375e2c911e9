// Workshop highlighter: quote words of a transcript with the mouse or the keyboard, tag them with
// themes, and see everyone's quotes as they are added. Without JavaScript the page's form takes
// the words and a paragraph number instead.
//
// Offsets: every ".part" span holds exactly the transcript's text from data-char-start to
// data-char-end, except redacted parts, which show "[redacted]" and are taken whole or not at all.
(function () {
  "use strict";
  var list = document.querySelector("[data-highlighter]");
  var form = document.querySelector("[data-highlight-form]");
  if (!list || !form || !window.fetch) { return; }

  var POLL_MS = 5000;
  var HIGHLIGHT_NAME = "workshop-quotes";
  var SELECTION_NAME = "quote-selection";

  var startInput = form.elements.char_start;
  var endInput = form.elements.char_end;
  var themesInput = form.elements.themes;
  var noteInput = form.elements.note;
  var noJsFields = form.querySelector("[data-no-js-fields]");
  var wordsBox = form.querySelector("[data-selected-words]");
  var errorBox = form.querySelector("[data-highlight-error]");
  var statusBox = form.querySelector("[data-highlight-status]");
  var selectionStatus = document.querySelector("[data-selection-status]");
  var quoteList = document.querySelector("[data-quote-list]");
  var quoteCount = document.querySelector("[data-quote-count]");
  var datalist = document.getElementById(themesInput.getAttribute("list"));
  var quotesData = document.getElementById("quotes-data");
  var canHighlight = window.CSS && CSS.highlights && typeof Highlight === "function";

  var parts = [];          // {el, start, end, redacted, text} in transcript order
  var sentences = [];      // the .sentence spans, in order
  var quotes = {};         // id -> quote, for everything shown on the page
  var themeNames = [];     // the project's codebook, for suggestions
  var pending = null;      // {start, end}: the words waiting to be saved
  var anchor = null;       // index of the sentence where a Shift-selection started
  var current = 0;         // index of the sentence that takes Tab focus
  var lastSeen = 0;        // the newest quote id the server has sent
  var pointerDown = false;
  var saving = false;
  var pollTimer = null;
  var polling = false;

  // ---- Sentences: split each paragraph's parts so the keyboard can move by sentence. ----

  var SENTENCE_END = /[.!?…]+["'”’)\]]*\s+/g;

  // The server counts characters (code points); JavaScript strings and DOM offsets count UTF-16
  // units, in which an emoji is two. These convert within one part's text.
  var PAIRED = /[\uD800-\uDBFF]/;

  function unitsFor(text, characters) {
    if (!PAIRED.test(text)) { return characters; }
    var units = 0;
    for (var i = 0; i < characters && units < text.length; i++) {
      units += text.codePointAt(units) > 0xffff ? 2 : 1;
    }
    return units;
  }

  function charactersFor(text, units) {
    return PAIRED.test(text) ? Array.from(text.slice(0, units)).length : units;
  }

  function makePart(text, start, end) {
    var span = document.createElement("span");
    span.className = "part";
    span.dataset.charStart = String(start);
    span.dataset.charEnd = String(end);
    span.textContent = text;
    return span;
  }

  function makeSentence() {
    var span = document.createElement("span");
    span.className = "sentence";
    span.tabIndex = -1;
    return span;
  }

  function finishSentence(sentence, fragment) {
    var first = sentence.firstElementChild;
    var last = sentence.lastElementChild;
    if (!first) { return; }
    sentence.dataset.charStart = first.dataset.charStart;
    sentence.dataset.charEnd = last.dataset.charEnd;
    fragment.appendChild(sentence);
  }

  function splitSentences(container) {
    var originals = Array.prototype.slice.call(container.querySelectorAll(".part"));
    if (!originals.length) { return; }
    var fragment = document.createDocumentFragment();
    var sentence = makeSentence();
    originals.forEach(function (part) {
      var start = Number(part.dataset.charStart);
      var text = part.textContent;
      if (part.hasAttribute("data-redacted")) {
        sentence.appendChild(part);
        return;
      }
      var cursor = 0;
      var match;
      SENTENCE_END.lastIndex = 0;
      while ((match = SENTENCE_END.exec(text)) !== null) {
        var cut = match.index + match[0].length;
        sentence.appendChild(makePart(text.slice(cursor, cut),
          start + charactersFor(text, cursor), start + charactersFor(text, cut)));
        cursor = cut;
        if (cut < text.length) {
          finishSentence(sentence, fragment);
          sentence = makeSentence();
        }
      }
      if (cursor < text.length) {
        sentence.appendChild(makePart(text.slice(cursor), start + charactersFor(text, cursor),
          Number(part.dataset.charEnd)));
      }
    });
    finishSentence(sentence, fragment);
    container.textContent = "";
    container.appendChild(fragment);
  }

  Array.prototype.forEach.call(list.querySelectorAll(".segment-text"), splitSentences);
  sentences = Array.prototype.slice.call(list.querySelectorAll(".sentence"));
  parts = Array.prototype.map.call(list.querySelectorAll(".part"), function (el) {
    return {
      el: el,
      start: Number(el.dataset.charStart),
      end: Number(el.dataset.charEnd),
      redacted: el.hasAttribute("data-redacted"),
      text: el.textContent
    };
  });
  if (!parts.length) { return; }
  if (sentences.length) { sentences[0].tabIndex = 0; }

  // ---- Offsets ----

  function partIndexAt(position) {
    // The last part starting at or before position (parts are sorted and do not overlap).
    var low = 0;
    var high = parts.length - 1;
    var found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (parts[middle].start <= position) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found;
  }

  function charAt(position) {
    // The transcript's character at position; "" between paragraphs, null inside a redaction.
    var index = partIndexAt(position);
    if (index === -1 || position >= parts[index].end) { return position < lastEnd() ? "\n" : ""; }
    var part = parts[index];
    if (part.redacted) { return null; }
    return String.fromCodePoint(part.text.codePointAt(unitsFor(part.text, position - part.start)));
  }

  function lastEnd() { return parts[parts.length - 1].end; }

  function isWordChar(character) { return !!character && /[\p{L}\p{N}\p{M}'’]/u.test(character); }
  function isSpace(character) { return character === "\n" || (!!character && /\s/.test(character)); }

  function tidy(start, end) {
    // Take whole words and whole redactions, without spaces at either end.
    var index = partIndexAt(start);
    if (index !== -1 && parts[index].redacted && start < parts[index].end) { start = parts[index].start; }
    index = partIndexAt(end - 1);
    if (index !== -1 && parts[index].redacted && end - 1 < parts[index].end) { end = parts[index].end; }
    while (start > parts[0].start && isWordChar(charAt(start)) && isWordChar(charAt(start - 1))) { start--; }
    while (end < lastEnd() && isWordChar(charAt(end - 1)) && isWordChar(charAt(end))) { end++; }
    while (start < end && isSpace(charAt(start))) { start++; }
    while (end > start && isSpace(charAt(end - 1))) { end--; }
    return { start: start, end: end };
  }

  function overlapping(start, end) {
    return parts.filter(function (part) { return part.start < end && part.end > start; });
  }

  function wordsBetween(start, end) {
    var words = "";
    var previous = null;
    overlapping(start, end).forEach(function (part) {
      if (previous && previous.end < part.start) { words += " "; }
      words += part.redacted ? part.text : part.text.slice(
        unitsFor(part.text, Math.max(start, part.start) - part.start),
        unitsFor(part.text, Math.min(end, part.end) - part.start));
      previous = part;
    });
    return words;
  }

  function boundaryToChar(node, offset, edge) {
    // Map a DOM boundary point to a transcript offset; points outside parts go to the nearest part.
    var element = node.nodeType === Node.TEXT_NODE ? node.parentNode : node;
    var holder = element && element.closest ? element.closest(".part") : null;
    if (holder && list.contains(holder) && node.nodeType === Node.TEXT_NODE) {
      var part = parts[partIndexAt(Number(holder.dataset.charStart))];
      if (part.redacted) { return edge === "start" ? part.start : part.end; }
      return Math.min(part.start + charactersFor(part.text, offset), part.end);
    }
    var probe = document.createRange();
    var chosen = null;
    for (var i = 0; i < parts.length; i++) {
      probe.selectNodeContents(parts[i].el);
      var where = probe.comparePoint(node, offset);
      if (edge === "start" && where <= 0) {
        return where < 0 || offset === 0 ? parts[i].start : parts[i].end;
      }
      if (edge === "end" && where >= 0) { chosen = where > 0 || offset > 0 ? parts[i].end : parts[i].start; }
      if (edge === "end" && where < 0) { break; }
    }
    return edge === "start" ? lastEnd() : (chosen === null ? parts[0].start : chosen);
  }

  function rangesFor(start, end) {
    // One range per part, so that paragraph numbers and speakers in between are not painted.
    return overlapping(start, end).map(function (part) {
      var range = document.createRange();
      if (part.redacted) {
        range.selectNode(part.el);
      } else {
        range.setStart(part.el.firstChild, unitsFor(part.text, Math.max(start, part.start) - part.start));
        range.setEnd(part.el.firstChild, unitsFor(part.text, Math.min(end, part.end) - part.start));
      }
      return range;
    });
  }

  // ---- Painting quotes with the CSS Custom Highlight API ----

  function paintQuotes() {
    if (!canHighlight) { return; }
    var highlight = new Highlight();
    Object.keys(quotes).forEach(function (id) {
      var quote = quotes[id];
      if (quote.char_end > lastEnd() || quote.char_start >= quote.char_end) { return; }
      rangesFor(quote.char_start, quote.char_end).forEach(function (range) { highlight.add(range); });
    });
    CSS.highlights.set(HIGHLIGHT_NAME, highlight);
  }

  function paintPending() {
    if (!canHighlight) { return; }
    var ranges = pending ? rangesFor(pending.start, pending.end) : [];
    if (!ranges.length) { CSS.highlights.delete(SELECTION_NAME); return; }
    var highlight = new Highlight();
    ranges.forEach(function (range) { highlight.add(range); });
    highlight.priority = 1;
    CSS.highlights.set(SELECTION_NAME, highlight);
  }

  // ---- Messages ----

  function say(region, text) {
    if (!region) { return; }
    // Empty first so the same words said twice are announced twice.
    region.textContent = "";
    if (text) { window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  function showError(text) {
    errorBox.textContent = "";
    if (text) {
      errorBox.appendChild(Object.assign(document.createElement("span"),
        { className: "visually-hidden", textContent: "Error: " }));
      errorBox.appendChild(document.createTextNode(text));
    }
  }

  // ---- Taking words to the form ----

  function take(start, end, moveFocus) {
    var words = tidy(start, end);
    if (words.start >= words.end) { return; }
    pending = words;
    startInput.value = String(words.start);
    endInput.value = String(words.end);
    wordsBox.textContent = "";
    wordsBox.appendChild(document.createTextNode("Words to quote: "));
    var quoted = document.createElement("q");
    quoted.textContent = wordsBetween(words.start, words.end);
    wordsBox.appendChild(quoted);
    wordsBox.appendChild(document.createTextNode(" "));
    var clear = Object.assign(document.createElement("button"),
      { type: "button", className: "link-button", textContent: "Clear the selection" });
    clear.addEventListener("click", function () { clearSelection(); themesInput.focus(); });
    wordsBox.appendChild(clear);
    wordsBox.hidden = false;
    if (noJsFields) { noJsFields.hidden = true; }
    // Said now rather than on saving: keyboard users, who select whole sentences, learn their way on.
    var redacted = overlapping(words.start, words.end).some(function (part) { return part.redacted; });
    showError(redacted ? "These words include redacted words, which cannot be quoted. Select the " +
      "words before or after them, or choose Clear the selection and type the words to quote with " +
      "their paragraph number." : "");
    say(statusBox, "");
    paintPending();
    if (moveFocus) { themesInput.focus(); }
  }

  function clearSelection() {
    pending = null;
    anchor = null;
    startInput.value = "";
    endInput.value = "";
    wordsBox.textContent = "";
    wordsBox.hidden = true;
    if (noJsFields) { noJsFields.hidden = false; }
    sentences.forEach(function (sentence) { sentence.classList.remove("is-selected"); });
    paintPending();
  }

  function selectionOffsets() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return null; }
    var range = selection.getRangeAt(0);
    // Selections that start or end in the transcript; not, say, the whole page after Ctrl+A.
    if (!list.contains(range.startContainer) && !list.contains(range.endContainer)) { return null; }
    var start = boundaryToChar(range.startContainer, range.startOffset, "start");
    var end = boundaryToChar(range.endContainer, range.endOffset, "end");
    return start < end ? { start: start, end: end } : null;
  }

  function takeMouseSelection(moveFocus) {
    var offsets = selectionOffsets();
    if (!offsets) { return; }
    sentences.forEach(function (sentence) { sentence.classList.remove("is-selected"); });
    anchor = null;
    take(offsets.start, offsets.end, moveFocus);
  }

  function setSentenceFocus(on) {
    sentences.forEach(function (sentence, index) {
      if (!on) { sentence.removeAttribute("tabindex"); } else { sentence.tabIndex = index === current ? 0 : -1; }
    });
  }

  var pressed = null;  // the sentence the mouse button went down on

  function released() {
    pointerDown = false;
    setSentenceFocus(true);
  }

  document.addEventListener("mousedown", function (event) {
    if (event.button !== 0) { return; }
    pointerDown = true;
    // A press that focuses a sentence stops Chromium from selecting by dragging when it starts at
    // the sentence's first letter; the mouse selects words, so sentences are not focusable until
    // the button is released (a click without a selection then focuses its sentence).
    pressed = list.contains(event.target) && event.target.closest ? event.target.closest(".sentence") : null;
    if (list.contains(event.target)) { setSentenceFocus(false); }
  });
  // The button may be released where no mouseup comes: in another window, or ending a drag.
  ["blur", "dragend"].forEach(function (type) {
    window.addEventListener(type, function (event) {
      if (pointerDown && (type !== "blur" || event.target === window)) { released(); }
    });
  });
  document.addEventListener("mouseup", function () {
    if (!pointerDown) { return; }
    released();
    var clicked = pressed;
    // Let the browser finish the selection (a double click selects a word after mouseup).
    window.setTimeout(function () {
      var selection = window.getSelection();
      if (clicked && (!selection || selection.isCollapsed)) {
        clicked.focus({ preventScroll: true });
      } else {
        takeMouseSelection(true);
      }
    }, 0);
  });
  // Touch screens select with handles, without a mouseup: follow the selection, keep focus.
  document.addEventListener("selectionchange", function () {
    if (!pointerDown) { takeMouseSelection(false); }
  });

  // ---- Keyboard: move through sentences, Shift to select more, Enter to quote ----

  function sentenceRange(from, to) {
    var low = Math.min(from, to);
    var high = Math.max(from, to);
    return {
      start: Number(sentences[low].dataset.charStart),
      end: Number(sentences[high].dataset.charEnd),
      count: high - low + 1,
      low: low,
      high: high
    };
  }

  function markSelected() {
    var chosen = anchor === null ? null : sentenceRange(anchor, current);
    sentences.forEach(function (sentence, index) {
      sentence.classList.toggle("is-selected", !!chosen && index >= chosen.low && index <= chosen.high);
    });
    return chosen;
  }

  function moveTo(index, extend) {
    index = Math.max(0, Math.min(sentences.length - 1, index));
    if (extend && anchor === null) { anchor = current; }
    if (!extend) { anchor = null; }
    sentences[current].tabIndex = -1;
    current = index;
    sentences[current].tabIndex = 0;
    sentences[current].focus();
    var chosen = markSelected();
    if (extend && chosen) {
      say(selectionStatus, chosen.count + (chosen.count === 1 ? " sentence" : " sentences") +
        " selected. Press Enter to quote them.");
    }
  }

  list.addEventListener("focusin", function (event) {
    var index = sentences.indexOf(event.target);
    if (index === -1 || index === current) { return; }
    sentences[current].tabIndex = -1;
    current = index;
    sentences[current].tabIndex = 0;
  });

  list.addEventListener("keydown", function (event) {
    if (sentences.indexOf(event.target) === -1 || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "ArrowDown" || key === "ArrowRight") {
      moveTo(current + 1, event.shiftKey);
    } else if (key === "ArrowUp" || key === "ArrowLeft") {
      moveTo(current - 1, event.shiftKey);
    } else if (key === "Home") {
      moveTo(0, event.shiftKey);
    } else if (key === "End") {
      moveTo(sentences.length - 1, event.shiftKey);
    } else if (key === "Enter") {
      if (anchor === null) { anchor = current; markSelected(); }
      var chosen = sentenceRange(anchor, current);
      take(chosen.start, chosen.end, true);
    } else if (key === "Escape") {
      clearSelection();
      say(selectionStatus, "Selection cleared.");
    } else {
      return;
    }
    event.preventDefault();
  });

  // ---- The quote list ----

  function quoteItem(quote) {
    var item = document.createElement("li");
    item.id = "quote-" + quote.id;
    item.appendChild(Object.assign(document.createElement("q"), { textContent: quote.text }));
    item.appendChild(document.createTextNode(" "));
    var meta = Object.assign(document.createElement("span"), { className: "meta" });
    (quote.themes || []).forEach(function (name) {
      var tag = Object.assign(document.createElement("span"), { className: "tag", textContent: name });
      meta.appendChild(tag);
      meta.appendChild(document.createTextNode(" "));
    });
    meta.appendChild(document.createTextNode("· " + quote.by));
    item.appendChild(meta);
    if (quote.note) {
      item.appendChild(Object.assign(document.createElement("p"),
        { className: "quote-note", textContent: "Note: " + quote.note }));
    }
    return item;
  }

  function addQuote(quote) {
    if (quotes[quote.id] || String(quote.story) !== list.dataset.story) { return false; }
    quotes[quote.id] = quote;
    var empty = quoteList.querySelector("[data-empty]");
    if (empty) { empty.remove(); }
    // Keep the list in transcript order, as the server renders it.
    var before = null;
    Array.prototype.some.call(quoteList.children, function (item) {
      var other = quotes[item.id.replace("quote-", "")];
      if (other && (other.char_start > quote.char_start ||
          (other.char_start === quote.char_start && other.id > quote.id))) { before = item; return true; }
      return false;
    });
    quoteList.insertBefore(quoteItem(quote), before);
    quoteCount.textContent = "(" + Object.keys(quotes).length + ")";
    (quote.themes || []).forEach(addThemeName);
    return true;
  }

  // ---- Theme suggestions: the datalist offers names for the text after the last comma ----

  function addThemeName(name) {
    var known = themeNames.some(function (other) { return other.toLowerCase() === name.toLowerCase(); });
    if (!known) { themeNames.push(name); }
  }

  function suggest() {
    var value = themesInput.value;
    var comma = value.lastIndexOf(",");
    var typed = value.slice(comma + 1);
    // Keep exactly what was typed before the name, so the browser's matching still applies.
    var prefix = comma === -1 ? "" : value.slice(0, comma + 1) + (typed.match(/^\s*/)[0] || " ");
    var chosen = value.slice(0, comma + 1).split(",").map(function (name) {
      return name.trim().toLowerCase();
    });
    var options = document.createDocumentFragment();
    themeNames.forEach(function (name) {
      if (chosen.indexOf(name.toLowerCase()) !== -1) { return; }
      options.appendChild(Object.assign(document.createElement("option"), { value: prefix + name }));
    });
    datalist.textContent = "";
    datalist.appendChild(options);
  }

  // ---- Saving ----

  function themesTyped() {
    return themesInput.value.split(",").map(function (name) { return name.trim(); })
      .filter(function (name) { return name; });
  }

  function csrfToken() {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function saved(quote) {
    addQuote(quote);
    paintQuotes();
    clearSelection();
    themesInput.value = "";
    noteInput.value = "";
    suggest();
    say(statusBox, "Quote saved.");
  }

  form.addEventListener("submit", function (event) {
    if (!startInput.value || !endInput.value) { return; }  // The words-and-paragraph path.
    event.preventDefault();
    if (saving) { return; }
    // The button stays enabled so that a keyboard user's focus stays on it.
    saving = true;
    showError("");
    say(statusBox, "");
    fetch(list.dataset.quoteUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken()
      },
      body: JSON.stringify({
        char_start: Number(startInput.value),
        char_end: Number(endInput.value),
        themes: themesTyped(),
        note: noteInput.value
      })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && data.quote) {
          saved(data.quote);
        } else {
          showError(data.error || "The quote could not be saved. Reload the page and try again.");
        }
      });
    }).catch(function () {
      showError("The quote could not be saved. Check your connection and try again.");
    }).then(function () {
      saving = false;
    });
  });

  // ---- Live updates: quotes by others and new themes, every few seconds while visible ----

  function updatesUrl() {
    var url = list.dataset.updatesUrl;
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "after=" + lastSeen;
  }

  function poll() {
    window.clearTimeout(pollTimer);
    if (document.visibilityState !== "visible" || polling) { return; }
    polling = true;
    var options = { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } };
    fetch(updatesUrl(), options)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var added = false;
        (data.quotes || []).forEach(function (quote) {
          lastSeen = Math.max(lastSeen, quote.id);
          added = addQuote(quote) || added;
        });
        if (added) { paintQuotes(); }
        if (data.themes) {
          themeNames = [];
          data.themes.forEach(function (theme) { addThemeName(theme.name); });
          if (document.activeElement !== themesInput) { suggest(); }
        }
      })
      .catch(function () { /* Try again at the next tick. */ })
      .then(function () {
        polling = false;
        pollTimer = window.setTimeout(poll, POLL_MS);
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { poll(); }
  });

  // ---- Start ----

  Array.prototype.forEach.call(datalist.options, function (option) { addThemeName(option.value); });
  JSON.parse(quotesData ? quotesData.textContent : "[]").forEach(function (quote) {
    quotes[quote.id] = quote;
    lastSeen = Math.max(lastSeen, quote.id);
  });
  paintQuotes();
  themesInput.addEventListener("input", suggest);
  themesInput.addEventListener("focus", suggest);
  themesInput.setAttribute("aria-describedby",
    (wordsBox.id + " " + (themesInput.getAttribute("aria-describedby") || "")).trim());
  Array.prototype.forEach.call(document.querySelectorAll("[data-js-hint], [data-no-js-hint]"), function (hint) {
    hint.hidden = hint.hasAttribute("data-no-js-hint");
  });
  pollTimer = window.setTimeout(poll, POLL_MS);
})();
