// Workshop highlighter: quote words of a transcript by touch, mouse or keyboard, tag them with
// themes in a panel beside the words, open anyone's quote to read it (and change or remove your
// own, with Undo), and see everyone's changes as they happen. Without JavaScript the page's form
// takes the words and a paragraph number, and each quote has a page of its own.
//
// Offsets: every ".part" span holds exactly the transcript's text from data-char-start to
// data-char-end, except redacted parts, which show "[redacted]" and are taken whole or not at all.
(function () {
  "use strict";
  var list = document.querySelector("[data-highlighter]");
  var form = document.querySelector("[data-highlight-form]");
  if (!list || !form || !window.fetch) { return; }

  var POLL_MS = 5000;
  var TOAST_MS = 10000;
  var MIN_PANEL = 240;  // px: the least height a panel beside the words gets
  var HIGHLIGHT_NAME = "workshop-quotes";
  var SELECTION_NAME = "quote-selection";
  // Underlines differ by theme as well as colours do, so themes are told apart without colour.
  var UNDERLINES = ["solid", "dashed", "dotted", "double"];

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
  var panel = form.closest("[data-highlight-form-panel]");
  var saveButton = form.querySelector("[data-save]");
  var cancelButton = form.querySelector("[data-cancel]");
  var toast = document.querySelector("[data-toast]");
  var canHighlight = window.CSS && CSS.highlights && typeof Highlight === "function";
  var phone = window.matchMedia("(max-width: 39.99rem)");

  var parts = [];          // {el, start, end, redacted, text} in transcript order
  var sentences = [];      // the .sentence spans, in order
  var quotes = {};         // id -> quote, for everything shown on the page
  var themes = {};         // id -> {id, name, colour, index}: the project's codebook
  var themeNames = [];     // the project's codebook, for suggestions
  var paragraphs = [];     // {el, text, start, end, button}: the transcript's paragraphs
  var since = list.dataset.since;  // changes to quotes are asked for from this moment on
  var respan = null;       // the quote whose words are being changed, if any
  var returnTo = null;     // where focus goes back to when a panel closes
  var toastTimer = null;
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

  // ---- Themes: a colour and an underline each ----

  var themeSheet = null;
  try {
    // Rules made by script: the page's Content Security Policy allows no inline styles.
    themeSheet = new CSSStyleSheet();
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([themeSheet]);
  } catch (error) { themeSheet = null; }

  function tint(colour) {
    // A quarter of the colour on white: black text on it keeps a contrast above 7:1.
    var value = parseInt(colour.slice(1), 16);
    var mix = function (channel) { return Math.round(channel * 0.25 + 255 * 0.75); };
    return "rgb(" + mix(value >> 16 & 255) + ", " + mix(value >> 8 & 255) + ", " + mix(value & 255) + ")";
  }

  function setThemes(list_) {
    themes = {};
    var rules = [];
    list_.forEach(function (theme, index) {
      themes[theme.id] = { id: theme.id, name: theme.name, colour: theme.colour, index: index };
      if (/^#[0-9a-f]{6}$/i.test(theme.colour)) {
        rules.push("::highlight(quote-theme-" + theme.id + ") { background-color: " + tint(theme.colour) +
          "; color: #0b0c0c; text-decoration: underline " + UNDERLINES[index % UNDERLINES.length] +
          " " + theme.colour + " 2px; }");
      }
      addThemeName(theme.name);
    });
    if (themeSheet) { themeSheet.replaceSync(rules.join("\n")); }
  }

  function themesOf(quote) {
    return (quote.theme_ids || []).map(function (id) { return themes[id]; }).filter(Boolean)
      .sort(function (a, b) { return a.index - b.index; });
  }

  function themeWords(quote) {
    var names = themesOf(quote).map(function (theme) { return theme.name; });
    return names.length ? "under " + names.join(", ") : "with no theme yet";
  }

  // ---- Painting quotes with the CSS Custom Highlight API ----

  function paintQuotes() {
    if (!canHighlight) { return; }
    Array.from(CSS.highlights.keys()).forEach(function (name) {
      if (name.indexOf("quote-theme-") === 0) { CSS.highlights.delete(name); }
    });
    var all = new Highlight();
    var byTheme = {};
    Object.keys(quotes).forEach(function (id) {
      var quote = quotes[id];
      if (quote.char_end > lastEnd() || quote.char_start >= quote.char_end) { return; }
      var first = themesOf(quote)[0];
      rangesFor(quote.char_start, quote.char_end).forEach(function (range) {
        all.add(range);
        if (first) { (byTheme[first.id] = byTheme[first.id] || new Highlight()).add(range); }
      });
    });
    CSS.highlights.set(HIGHLIGHT_NAME, all);
    Object.keys(byTheme).forEach(function (id) {
      byTheme[id].priority = 1;
      CSS.highlights.set("quote-theme-" + id, byTheme[id]);
    });
  }

  function paintPending() {
    if (!canHighlight) { return; }
    var ranges = pending ? rangesFor(pending.start, pending.end) : [];
    if (!ranges.length) { CSS.highlights.delete(SELECTION_NAME); return; }
    var highlight = new Highlight();
    ranges.forEach(function (range) { highlight.add(range); });
    highlight.priority = 2;
    CSS.highlights.set(SELECTION_NAME, highlight);
  }

  // ---- What screen readers are told, and each paragraph's quotes ----

  function quotesBetween(start, end) {
    return Object.keys(quotes).map(function (id) { return quotes[id]; }).filter(function (quote) {
      return quote.char_start < end && quote.char_end > start;
    }).sort(function (a, b) { return a.char_start - b.char_start || a.id - b.id; });
  }

  function describe() {
    var found = sentences.map(function () { return []; });
    var starts = sentences.map(function (sentence) { return Number(sentence.dataset.charStart); });
    Object.keys(quotes).forEach(function (id) {
      var quote = quotes[id];
      var low = 0;
      var high = starts.length - 1;
      var first = 0;
      while (low <= high) {  // the last sentence starting at or before the quote
        var middle = (low + high) >> 1;
        if (starts[middle] <= quote.char_start) { first = middle; low = middle + 1; } else { high = middle - 1; }
      }
      for (var i = first; i < sentences.length && starts[i] < quote.char_end; i++) {
        if (Number(sentences[i].dataset.charEnd) > quote.char_start) { found[i].push(quote); }
      }
    });
    sentences.forEach(function (sentence, index) {
      var here = found[index];
      if (!here.length) { sentence.removeAttribute("aria-description"); return; }
      var words = here.map(themeWords).filter(function (value, at, all) { return all.indexOf(value) === at; });
      sentence.setAttribute("aria-description", (here.length === 1 ? "Quoted " : here.length + " quotes, ") +
        words.join("; "));
    });
    paragraphs.forEach(function (paragraph) {
      var count = quotesBetween(paragraph.start, paragraph.end).length;
      paragraph.button.hidden = !count;
      paragraph.button.textContent = count + (count === 1 ? " quote" : " quotes") + " in this paragraph";
    });
    rove();
  }

  function rove() {
    // Tab goes from the sentence in focus to its paragraph's quotes, then on out of the transcript.
    var sentence = sentences[current];
    paragraphs.forEach(function (paragraph) {
      paragraph.button.tabIndex = sentence && paragraph.text.contains(sentence) ? 0 : -1;
    });
  }

  function refresh() {
    paintQuotes();
    describe();
    quoteCount.textContent = "(" + Object.keys(quotes).length + ")";
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

  function showToast(text, undo) {
    // A message near the thumb, with Undo for a few seconds.
    window.clearTimeout(toastTimer);
    toast.textContent = "";
    toast.appendChild(document.createTextNode(text + " "));
    if (undo) {
      var button = Object.assign(document.createElement("button"),
        { type: "button", className: "link-button", textContent: "Undo" });
      button.addEventListener("click", function () { hideToast(); undo(); });
      toast.appendChild(button);
    }
    toastTimer = window.setTimeout(hideToast, TOAST_MS);
  }

  function hideToast() {
    window.clearTimeout(toastTimer);
    toast.textContent = "";
  }

  // ---- Panels beside the words (on a phone, at the bottom of the screen, near the thumb) ----

  function rectOf(start, end) {
    var ranges = rangesFor(start, end);
    if (!ranges.length) { return null; }
    var first = ranges[0].getBoundingClientRect();
    var last = ranges[ranges.length - 1].getBoundingClientRect();
    return { top: first.top, left: first.left, bottom: last.bottom };
  }

  // Holds the form's place in the page while it floats, so that the page's height, and with it the
  // reader's place, stays the same.
  var spacer = element("div", { className: "panel-spacer", hidden: true });
  panel.parentNode.insertBefore(spacer, panel);

  function holdPlace() {
    if (panel.classList.contains("is-floating") || !spacer.hidden) { return; }
    spacer.style.height = panel.offsetHeight + "px";
    spacer.hidden = false;
  }

  function place(box, rect) {
    if (box === panel) { holdPlace(); }
    box.classList.add("is-floating");
    box.style.top = "";
    box.style.left = "";
    box.style.maxHeight = "";
    if (phone.matches) {
      // Room below the transcript's end to scroll it above the panel, and the words kept in view.
      document.body.style.paddingBottom = box.offsetHeight + "px";
      var covered = rect ? rect.bottom - (window.innerHeight - box.offsetHeight) + 8 : 0;
      if (covered > 0) { window.scrollBy(0, covered); }
      return;
    }
    if (!rect) { rect = list.getBoundingClientRect(); }
    // Below the words if it fits, else above them; a tall panel scrolls inside itself.
    var height = box.offsetHeight;
    var width = box.offsetWidth;
    var below = window.innerHeight - rect.bottom - 16;
    var above = rect.top - 16;
    var top;
    if (height <= below || below >= Math.min(height, MIN_PANEL)) {
      box.style.maxHeight = Math.max(below, MIN_PANEL) + "px";
      top = rect.bottom + 8;
    } else if (above >= Math.min(height, MIN_PANEL)) {
      box.style.maxHeight = above + "px";
      top = rect.top - 8 - Math.min(height, above);
    } else {
      box.style.maxHeight = MIN_PANEL + "px";
      top = rect.bottom + 8;
    }
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    box.style.top = (top + window.scrollY) + "px";
    box.style.left = (left + window.scrollX) + "px";
  }

  function unplace(box) {
    if (box === panel) { spacer.hidden = true; }
    box.classList.remove("is-floating");
    box.style.maxHeight = "";
    box.style.top = "";
    box.style.left = "";
    if (!document.querySelector(".is-floating")) { document.body.style.paddingBottom = ""; }
  }

  function goBack() {
    var target = returnTo;
    returnTo = null;
    if (target && document.contains(target)) { target.focus({ preventScroll: true }); }
  }

  function sentenceAt(position) {
    for (var i = 0; i < sentences.length; i++) {
      if (Number(sentences[i].dataset.charEnd) > position) { return i; }
    }
    return sentences.length - 1;
  }

  function focusSentence(index) {
    if (index < 0 || !sentences[index]) { return; }
    sentences[current].tabIndex = -1;
    current = index;
    sentences[current].tabIndex = 0;
    rove();
    sentences[current].focus({ preventScroll: true });
  }

  // ---- Taking words to the form ----

  function take(start, end, moveFocus) {
    var words = tidy(start, end);
    if (words.start >= words.end) { return; }
    holdPlace();  // before the form changes its height
    closeDetails(false);
    hideToast();
    pending = words;
    startInput.value = String(words.start);
    endInput.value = String(words.end);
    wordsBox.textContent = "";
    wordsBox.appendChild(document.createTextNode(respan ? "New words for the quote: " : "Words to quote: "));
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
    cancelButton.hidden = false;
    // Said now rather than on saving: keyboard users, who select whole sentences, learn their way on.
    var redacted = overlapping(words.start, words.end).some(function (part) { return part.redacted; });
    showError(redacted ? "These words include redacted words, which cannot be quoted. Select the " +
      "words before or after them, or choose Clear the selection and type the words to quote with " +
      "their paragraph number." : "");
    say(statusBox, "");
    paintPending();
    if (!returnTo) { returnTo = sentences[sentenceAt(words.start)]; }
    place(panel, rectOf(words.start, words.end));
    if (moveFocus) { themesInput.focus({ preventScroll: true }); }
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

  function closePanel(keepFocus) {
    // Cancelling, or after saving: the panel goes back below the transcript, focus to the words.
    clearSelection();
    endRespan();
    cancelButton.hidden = true;
    showError("");
    unplace(panel);
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed && list.contains(selection.anchorNode)) { selection.removeAllRanges(); }
    if (keepFocus) { returnTo = null; } else { goBack(); }
  }

  cancelButton.addEventListener("click", function () { closePanel(false); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel.classList.contains("is-floating")) {
      event.preventDefault();
      closePanel(false);
    }
  });

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
    if (pending && offsets.start === pending.start && offsets.end === pending.end && !moveFocus) { return; }
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
  var pressedAt = null;  // where, as a transcript offset

  function offsetAtPoint(x, y) {
    var caret = document.caretRangeFromPoint ? document.caretRangeFromPoint(x, y) : null;
    if (!caret && document.caretPositionFromPoint) {
      var position = document.caretPositionFromPoint(x, y);
      caret = position && { startContainer: position.offsetNode, startOffset: position.offset };
    }
    if (!caret || !list.contains(caret.startContainer)) { return null; }
    return boundaryToChar(caret.startContainer, caret.startOffset, "start");
  }

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
    pressedAt = pressed ? offsetAtPoint(event.clientX, event.clientY) : null;
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
    var at = pressedAt;
    // Let the browser finish the selection (a double click selects a word after mouseup).
    window.setTimeout(function () {
      var selection = window.getSelection();
      if (clicked && (!selection || selection.isCollapsed)) {
        returnTo = null;
        focusSentence(sentences.indexOf(clicked));
        // A click or a tap on quoted words opens them.
        var here = at === null ? [] : quotesBetween(at, at + 1);
        if (here.length && !pending) { openQuotes(here, clicked, "Quoted words"); }
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
    rove();
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
    rove();
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
      returnTo = sentences[current];
      take(chosen.start, chosen.end, true);
    } else if (key === "Escape") {
      closePanel(true);
      say(selectionStatus, "Selection cleared.");
    } else {
      return;
    }
    event.preventDefault();
  });

  // ---- Opening quotes: their words, themes, note and maker; change or remove your own ----

  var details = document.createElement("div");
  details.className = "quote-details panel";
  details.setAttribute("role", "dialog");
  details.setAttribute("aria-labelledby", "quote-details-title");
  details.hidden = true;
  panel.parentNode.insertBefore(details, panel);

  function element(tag, properties, children) {
    var made = Object.assign(document.createElement(tag), properties || {});
    (children || []).forEach(function (child) {
      made.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return made;
  }

  function button(text, action, className) {
    var made = element("button", { type: "button", className: className || "button secondary", textContent: text });
    made.addEventListener("click", action);
    return made;
  }

  function showDetails(title, body, opener, rect) {
    hideToast();
    if (panel.classList.contains("is-floating")) { closePanel(true); }
    returnTo = opener || returnTo;
    details.textContent = "";
    details.appendChild(element("h2", { id: "quote-details-title", tabIndex: -1, textContent: title }));
    body.forEach(function (node) { details.appendChild(node); });
    details.appendChild(element("div", { className: "actions" }, [button("Close", function () { closeDetails(true); })]));
    details.hidden = false;
    place(details, rect);
    details.querySelector("h2").focus({ preventScroll: true });
  }

  function closeDetails(restoreFocus) {
    if (details.hidden) { return; }
    details.hidden = true;
    details.textContent = "";
    unplace(details);
    if (restoreFocus) { goBack(); }
  }

  details.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); closeDetails(true); }
  });

  function openQuotes(found, opener, title) {
    if (found.length === 1) { openQuote(found[0], opener); return; }
    var items = element("ul", { className: "quote-list" });
    found.forEach(function (quote) {
      var open = button("Open", function () { openQuote(quote, opener); }, "link-button");
      open.setAttribute("aria-label", "Open “" + wordsBetween(quote.char_start, quote.char_end) + "”");
      items.appendChild(element("li", {}, [
        element("q", { textContent: wordsBetween(quote.char_start, quote.char_end) }),
        element("span", { className: "meta", textContent: " " + themeWords(quote) + " " }),
        open
      ]));
    });
    showDetails(found.length + " quotes in " + title.toLowerCase(), [items], opener,
      rectOf(found[0].char_start, found[0].char_end));
  }

  function quotePage(id) { return list.dataset.quotePage.replace(/\/0\/$/, "/" + id + "/"); }

  function openQuote(quote, opener) {
    var rect = rectOf(quote.char_start, quote.char_end);
    showDetails("Quote", [element("p", { className: "hint", textContent: "Loading…" })], opener, rect);
    send("GET", quotePage(quote.id)).then(function (answer) {
      if (details.hidden) { return; }
      if (!answer.ok) {
        showDetails("Quote", [element("p", { textContent: answer.data.error || "This quote can’t be opened any more." })], null, rect);
        return;
      }
      var full = answer.data.quote;
      update(full);
      showQuote(full, rect);
    });
  }

  function showQuote(quote, rect) {
    var tags = element("p", {}, ["Themes: "]);
    var named = themesOf(quote);
    if (!named.length) { tags.appendChild(document.createTextNode("none yet")); }
    named.forEach(function (theme) {
      tags.appendChild(element("span", { className: "tag", textContent: theme.name }));
      tags.appendChild(document.createTextNode(" "));
    });
    var body = [
      element("blockquote", { className: "quote-words" }, [element("p", { textContent: quote.text })]),
      tags,
      element("p", { textContent: "Note: " + (quote.note || "none") }),
      element("p", { className: "meta", textContent: "Highlighted by " + quote.by })
    ];
    if (quote.can_change) {
      body.push(element("div", { className: "actions" }, [
        button("Change", function () { editQuote(quote, rect); }),
        button("Change the words", function () { startRespan(quote); }),
        button("Remove", function () { removeQuote(quote); }, "button warning")
      ]));
    }
    showDetails("Quote", body, null, rect);
  }

  function editQuote(quote, rect) {
    var themeField = element("input", { type: "text", id: "edit-themes", autocomplete: "off",
      value: themesOf(quote).map(function (theme) { return theme.name; }).join(", ") });
    themeField.setAttribute("list", datalist.id);
    themeField.setAttribute("aria-describedby", "edit-themes-hint");
    var noteField = element("textarea", { id: "edit-note", rows: 2, value: quote.note || "" });
    var problem = element("p", { className: "error-message" });
    problem.setAttribute("role", "alert");
    var editForm = element("form", { noValidate: true }, [
      element("div", { className: "field" }, [
        element("label", { htmlFor: "edit-themes", textContent: "Themes" }),
        element("p", { className: "hint", id: "edit-themes-hint", textContent: "Separate themes with commas." }),
        themeField
      ]),
      element("div", { className: "field" }, [element("label", { htmlFor: "edit-note", textContent: "Note" }), noteField]),
      problem,
      element("div", { className: "actions" }, [
        element("button", { type: "submit", className: "button", textContent: "Save changes" }),
        button("Cancel", function () { showQuote(quote, rect); })
      ])
    ]);
    editForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var before = { themes: themesOf(quote).map(function (theme) { return theme.name; }), note: quote.note || "" };
      saveEdit(quote, { themes: namesIn(themeField.value), note: noteField.value }, before, problem);
    });
    showDetails("Change the quote", [element("blockquote", { className: "quote-words" },
      [element("p", { textContent: quote.text })]), editForm], null, rect);
    themeField.focus({ preventScroll: true });
  }

  function saveEdit(quote, changes, before, problem) {
    // Changes and Undo go through the same request, carrying the version they were based on.
    var body = Object.assign({ version: quote.version }, changes);
    return send("POST", quotePage(quote.id), body).then(function (answer) {
      if (!answer.ok) {
        if (answer.data.quote) { update(answer.data.quote); }
        var text = answer.data.error || "The quote could not be changed. Reload the page and try again.";
        if (problem && !details.hidden) { problem.textContent = text; } else { showToast(text); }
        return;
      }
      var changed = answer.data.quote;
      update(changed);
      closeDetails(false);
      focusSentence(sentenceAt(changed.char_start));
      showToast("Quote changed.", before && function () { saveEdit(changed, before, null, null); });
    });
  }

  function removeQuote(quote) {
    send("POST", quotePage(quote.id) + "remove/").then(function (answer) {
      if (!answer.ok) { showToast(answer.data.error || "The quote could not be removed."); return; }
      forget(quote.id);
      closeDetails(false);
      focusSentence(sentenceAt(quote.char_start));
      showToast("Quote removed.", function () { restoreQuote(quote.id); });
    });
  }

  function restoreQuote(id) {
    send("POST", quotePage(id) + "restore/").then(function (answer) {
      if (!answer.ok) { showToast(answer.data.error || "The quote could not be brought back."); return; }
      update(answer.data.quote);
      focusSentence(sentenceAt(answer.data.quote.char_start));
      showToast("Quote brought back.");
    });
  }

  function startRespan(quote) {
    respan = quote;
    closeDetails(false);
    saveButton.textContent = "Save the new words";
    showToast("Select the new words for this quote in the transcript.");
    focusSentence(sentenceAt(quote.char_start));
  }

  function endRespan() {
    respan = null;
    saveButton.textContent = "Save quote";
  }

  // ---- The quote list, and the page's quotes ----

  function quoteItem(quote) {
    var item = document.createElement("li");
    item.id = "quote-" + quote.id;
    item.appendChild(Object.assign(document.createElement("q"), { textContent: quote.text }));
    item.appendChild(document.createTextNode(" "));
    var meta = Object.assign(document.createElement("span"), { className: "meta" });
    themesOf(quote).forEach(function (theme) {
      meta.appendChild(Object.assign(document.createElement("span"), { className: "tag", textContent: theme.name }));
      meta.appendChild(document.createTextNode(" "));
    });
    meta.appendChild(document.createTextNode("· " + quote.by));
    item.appendChild(meta);
    if (quote.note) {
      item.appendChild(Object.assign(document.createElement("p"),
        { className: "quote-note", textContent: "Note: " + quote.note }));
    }
    item.appendChild(element("a", { className: "open-quote", href: quotePage(quote.id), textContent: "Open this quote" }));
    item.lastChild.dataset.openQuote = String(quote.id);
    return item;
  }

  function learnThemes(quote) {
    // Names of themes made since the page opened get an id at the next poll; keep them suggested.
    (quote.themes || []).forEach(addThemeName);
    var unknown = (quote.theme_ids || []).some(function (id) { return !themes[id]; });
    if (unknown) {
      var known = Object.keys(themes).map(function (id) { return themes[id]; })
        .sort(function (a, b) { return a.index - b.index; });
      (quote.theme_ids || []).forEach(function (id, at) {
        if (!themes[id]) { known.push({ id: id, name: quote.themes[at], colour: "" }); }
      });
      setThemes(known);
    }
  }

  function placeItem(quote) {
    var old = document.getElementById("quote-" + quote.id);
    if (!quote.text) { return; }
    var empty = quoteList.querySelector("[data-empty]");
    if (empty) { empty.remove(); }
    var made = quoteItem(quote);
    if (old) { old.replaceWith(made); return; }
    // Keep the list in transcript order, as the server renders it.
    var before = null;
    Array.prototype.some.call(quoteList.children, function (item) {
      var other = quotes[item.id.replace("quote-", "")];
      if (other && (other.char_start > quote.char_start ||
          (other.char_start === quote.char_start && other.id > quote.id))) { before = item; return true; }
      return false;
    });
    quoteList.insertBefore(made, before);
  }

  function update(quote) {
    // A quote new to the page, or a newer version of one on it.
    if (String(quote.story) !== list.dataset.story) { return false; }
    var known = quotes[quote.id];
    if (known && known.version === quote.version && known.text !== undefined) { return false; }
    quotes[quote.id] = Object.assign(known || {}, quote);
    learnThemes(quote);
    placeItem(quotes[quote.id]);
    refresh();
    return true;
  }

  function forget(id) {
    if (!quotes[id]) { return; }
    delete quotes[id];
    var item = document.getElementById("quote-" + id);
    if (item) { item.remove(); }
    refresh();
  }

  quoteList.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-open-quote]");
    if (!link || !quotes[link.dataset.openQuote]) { return; }
    event.preventDefault();
    openQuote(quotes[link.dataset.openQuote], link);
  });

  // ---- Paragraphs: a group each, named by number, with a button for their quotes ----

  Array.prototype.forEach.call(list.querySelectorAll(".segment"), function (item, index) {
    var text = item.querySelector(".segment-text");
    if (!text) { return; }
    var speaker = item.querySelector(".speaker");
    text.setAttribute("role", "group");
    text.setAttribute("aria-label", "Paragraph " + (index + 1) +
      (speaker ? ", " + speaker.textContent.replace(/:$/, "") : ""));
    var opener = element("button", { type: "button", className: "link-button paragraph-quotes", hidden: true, tabIndex: -1 });
    var paragraph = { el: item, text: text, start: Number(text.dataset.charStart), end: Number(text.dataset.charEnd), button: opener };
    opener.addEventListener("click", function () {
      openQuotes(quotesBetween(paragraph.start, paragraph.end), opener, "Paragraph " + (index + 1));
    });
    item.appendChild(opener);
    paragraphs.push(paragraph);
  });

  // ---- Theme suggestions: the datalist offers names for the text after the last comma ----

  function addThemeName(name) {
    var known = themeNames.some(function (other) { return other.toLowerCase() === name.toLowerCase(); });
    if (!known) { themeNames.push(name); }
  }

  function suggest(event) {
    var input = event && event.target && event.target.value !== undefined ? event.target : themesInput;
    var value = input.value;
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

  details.addEventListener("input", function (event) { if (event.target.id === "edit-themes") { suggest(event); } });
  details.addEventListener("focusin", function (event) { if (event.target.id === "edit-themes") { suggest(event); } });

  // ---- Saving ----

  function namesIn(value) {
    return value.split(",").map(function (name) { return name.trim(); })
      .filter(function (name) { return name; });
  }

  function csrfToken() {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    };
    if (method === "POST") {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }).catch(function () {
      return { ok: false, status: 0, data: { error: "Check your connection and try again." } };
    });
  }

  function saved(quote) {
    lastSeen = Math.max(lastSeen, quote.id);
    update(quote);
    themesInput.value = "";
    noteInput.value = "";
    suggest();
    closePanel(true);
    // Back to where the reader was: the sentence the new quote starts in.
    focusSentence(sentenceAt(quote.char_start));
    showToast("Quote saved.", function () { removeQuote(quotes[quote.id] || quote); });
  }

  form.addEventListener("submit", function (event) {
    if (!startInput.value || !endInput.value) { return; }  // The words-and-paragraph path.
    event.preventDefault();
    if (saving) { return; }
    // The button stays enabled so that a keyboard user's focus stays on it.
    saving = true;
    showError("");
    say(statusBox, "");
    var offsets = { char_start: Number(startInput.value), char_end: Number(endInput.value) };
    var request;
    if (respan) {
      var quote = respan;
      request = send("POST", quotePage(quote.id), Object.assign({ version: quote.version }, offsets))
        .then(function (answer) {
          if (!answer.ok) { return answer; }
          closePanel(true);
          update(answer.data.quote);
          focusSentence(sentenceAt(answer.data.quote.char_start));
          var old = { char_start: quote.char_start, char_end: quote.char_end };
          showToast("Quote changed.", function () { saveEdit(answer.data.quote, old, null, null); });
          return answer;
        });
    } else {
      request = send("POST", list.dataset.quoteUrl, Object.assign(offsets, {
        themes: namesIn(themesInput.value),
        note: noteInput.value
      })).then(function (answer) {
        if (answer.ok && answer.data.quote) { saved(answer.data.quote); }
        return answer;
      });
    }
    request.then(function (answer) {
      if (!answer.ok) {
        showError(answer.data.error || "The quote could not be saved. Reload the page and try again.");
      }
      saving = false;
    });
  });

  // ---- Live updates: quotes by others, their changes and new themes, while visible ----

  function updatesUrl() {
    var url = list.dataset.updatesUrl;
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "after=" + lastSeen +
      "&since=" + encodeURIComponent(since);
  }

  function poll() {
    window.clearTimeout(pollTimer);
    if (document.visibilityState !== "visible" || polling) { return; }
    polling = true;
    send("GET", updatesUrl())
      .then(function (answer) {
        var data = answer.ok ? answer.data : null;
        if (!data) { return; }
        if (data.themes) {
          themeNames = [];
          setThemes(data.themes);
          if (document.activeElement !== themesInput) { suggest(); }
        }
        (data.quotes || []).forEach(function (quote) {
          lastSeen = Math.max(lastSeen, quote.id);
          update(quote);
        });
        (data.changed || []).forEach(function (quote) {
          if (quote.removed) { forget(quote.id); } else { update(quote); }
        });
        if (data.since) { since = data.since; }
        paintQuotes();
      })
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
  var start = JSON.parse(quotesData ? quotesData.textContent : "{}");
  setThemes((start.themes || []).map(function (row) { return { id: row[0], name: row[1], colour: row[2] }; }));
  (start.quotes || []).forEach(function (row) {
    var ids = row[3] ? row[3].split(",").map(Number) : [];
    quotes[row[0]] = { id: row[0], story: list.dataset.story, char_start: row[1], char_end: row[2], theme_ids: ids };
    lastSeen = Math.max(lastSeen, row[0]);
  });
  refresh();
  themesInput.addEventListener("input", suggest);
  themesInput.addEventListener("focus", suggest);
  themesInput.setAttribute("aria-describedby",
    (wordsBox.id + " " + (themesInput.getAttribute("aria-describedby") || "")).trim());
  Array.prototype.forEach.call(document.querySelectorAll("[data-js-hint], [data-no-js-hint]"), function (hint) {
    hint.hidden = hint.hasAttribute("data-no-js-hint");
  });
  pollTimer = window.setTimeout(poll, POLL_MS);
})();
