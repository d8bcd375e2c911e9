// The theme board: move or copy a quote to another theme by dragging it onto the theme (mouse),
// or from the picker its "Move or copy" button opens (keyboard and touch). Without JavaScript
// that button is a link to a page with the same form. After a change the board is read again,
// so every count, list and table is the server's.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  var dialog = document.querySelector("[data-move-dialog]");
  var status = document.querySelector("[data-board-status]");
  if (!board || !dialog || !status || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var form = dialog.querySelector("[data-move-form]");
  var words = dialog.querySelector("[data-move-words]");
  var error = dialog.querySelector("[data-move-error]");
  var select = form.elements.theme;
  var picked = null;  // the quote the picker is open for
  var dragged = null;  // the quote being dragged

  function say(text) {  // Emptied first, so that saying it again is announced again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function enhance() {
    Array.prototype.forEach.call(board.querySelectorAll("[data-move]"), function (link) {
      link.setAttribute("role", "button");
      link.parentNode.draggable = true;
    });
    var hint = board.querySelector("[data-drag-hint]");
    var movable = board.querySelector("[data-move]");
    if (hint && movable && window.matchMedia("(pointer: fine)").matches) { hint.hidden = false; }
  }

  // A quote this visitor may move: its list item, whose "Move or copy" link names it and its theme.
  function itemOf(node) {
    var item = node.closest && node.closest(".quote-list > li");
    return item && item.querySelector(":scope > [data-move]") ? item : null;
  }
  function move(item) {
    var query = new URL(item.querySelector(":scope > [data-move]").href).searchParams;
    return { quote: query.get("quote"), from: query.get("from") };
  }

  // Keep each disclosure as the person left it when the board is drawn again.
  function disclosureKey(details) {
    var owner = details.closest("[id]");
    return (owner ? owner.id : "") + " " + details.className;
  }

  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-board]");
        if (!next) { window.location.reload(); return; }
        var open = {};
        Array.prototype.forEach.call(board.querySelectorAll("details"), function (details) {
          open[disclosureKey(details)] = details.open;
        });
        board.replaceChildren.apply(board, Array.prototype.slice.call(next.childNodes));
        Array.prototype.forEach.call(board.querySelectorAll("details"), function (details) {
          var key = disclosureKey(details);
          if (key in open) { details.open = open[key]; }
        });
        enhance();
      });
  }

  function focusAfter(change, to, copy) {
    var theme = copy ? change.from : to;
    var item = document.getElementById("theme-" + theme + "-quote-" + change.quote);
    var target = (item && item.querySelector("[data-move]")) ||
      document.getElementById("theme-" + to + "-name") || document.querySelector("h1");
    if (target.tagName === "H1") { target.tabIndex = -1; }
    target.focus();
  }

  function send(change, to, copy) {
    var body = new FormData();
    var token = form.elements.csrfmiddlewaretoken.value;
    body.append("csrfmiddlewaretoken", token);
    body.append("quote", change.quote);
    body.append("from_theme", change.from);
    body.append("theme", to);
    body.append("action", copy ? "copy" : "move");
    return fetch(board.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok || !answer.message) {
          throw new Error(answer.error || "That did not work: reload the page and try again.");
        }
        return refresh().then(function () { return answer.message; });
      });
    });
  }

  function openPicker(item) {
    picked = move(item);
    words.textContent = item.querySelector("q").textContent;
    form.elements.quote.value = picked.quote;
    form.elements.from_theme.value = picked.from;
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      option.disabled = option.value === picked.from;  // the theme it is under already
      if (!option.disabled && first === null) { first = option.value; }
    });
    select.value = first;
    form.elements.action.value = "move";
    error.hidden = true;
    dialog.showModal();
    select.focus();
  }

  board.addEventListener("click", function (event) {
    var control = event.target.closest("[data-move]");
    if (!control) { return; }
    event.preventDefault();
    openPicker(itemOf(control));
  });
  board.addEventListener("keydown", function (event) {
    var control = event.target.closest("[data-move]");
    if (control && event.key === " ") {  // A link acting as a button answers Space too.
      event.preventDefault();
      openPicker(itemOf(control));
    }
  });
  dialog.querySelector("[data-move-cancel]").addEventListener("click", function () {
    dialog.close();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var copy = form.elements.action.value === "copy";
    var to = select.value;
    send(picked, to, copy).then(function (message) {
      dialog.close();
      focusAfter(picked, to, copy);
      say(message);
    }, function (problem) {
      error.textContent = problem.message;
      error.hidden = false;
      select.focus();
    });
  });

  function clearTargets() {
    Array.prototype.forEach.call(board.querySelectorAll(".is-drop-target"), function (zone) {
      zone.classList.remove("is-drop-target");
    });
  }
  function dropZone(event) {
    var zone = dragged && event.target.closest && event.target.closest("[data-drop-theme]");
    return zone && zone.dataset.dropTheme !== move(dragged).from ? zone : null;
  }
  board.addEventListener("dragstart", function (event) {
    var item = itemOf(event.target);
    if (!item) { return; }
    dragged = item;
    item.classList.add("is-dragged");
    event.dataTransfer.effectAllowed = "copyMove";
    event.dataTransfer.setData("text/plain", item.querySelector("q").textContent);
  });
  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("is-dragged"); }
    dragged = null;
    clearTargets();
  });
  board.addEventListener("dragover", function (event) {
    var zone = dropZone(event);
    if (!zone) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = event.ctrlKey || event.altKey ? "copy" : "move";
    if (!zone.classList.contains("is-drop-target")) {
      clearTargets();
      zone.classList.add("is-drop-target");
    }
  });
  board.addEventListener("drop", function (event) {
    var zone = dropZone(event);
    if (!zone) { return; }
    event.preventDefault();
    var change = move(dragged);
    var copy = event.ctrlKey || event.altKey;
    clearTargets();
    var to = zone.dataset.dropTheme;
    send(change, to, copy).then(function (message) {
      focusAfter(change, to, copy);
      say(message);
    }, function (problem) { say(problem.message); });
  });

  enhance();
})();
