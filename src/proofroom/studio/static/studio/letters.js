// The form letter's live preview: as staff type, the form is sent to the preview's own URL
// (the form's data-live-preview; never saved) and the page's preview is replaced by the one the desk renders. Without this
// script the Preview button does the same.
// The "Preview for client" field suggests clients as staff type a name or an email (a few
// at a time, asked of the desk); the preview follows once the field names one of them.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  var slot = document.getElementById("letter-preview-slot");
  if (!form || !slot) return;
  var who = form.querySelector("[name=preview_client]");
  var session = form.querySelector("[name=preview_session]");
  var list = document.getElementById("preview-client-suggestions");
  var timer = null;
  var asked = 0;
  var suggestTimer = null;
  var suggestAsked = 0;
  var suggested = [];

  function refresh() {
    if (!who.value && !session.value) return;
    var data = new FormData(form);
    var mine = ++asked;
    fetch(form.getAttribute("data-live-preview"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== asked) return; // an older answer arriving late
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("letter-preview-slot");
        if (fresh) slot.replaceChildren.apply(slot, Array.from(fresh.childNodes));
      })
      .catch(function () { /* the Preview button still works */ });
  }

  function suggest() {
    var text = who.value.trim();
    if (text.length < 2 || !list) return;
    var mine = ++suggestAsked;
    var url = form.getAttribute("data-client-suggestions") + "?q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (mine !== suggestAsked) return;
        suggested = answer.clients || [];
        list.replaceChildren.apply(list, suggested.map(function (label) {
          var option = document.createElement("option");
          option.value = label; // text, never markup
          return option;
        }));
      })
      .catch(function () { /* typing a whole name or email still works */ });
  }

  function later(wait) {
    clearTimeout(timer);
    timer = setTimeout(refresh, wait);
  }

  form.addEventListener("input", function (event) {
    if (event.target === who) {
      if (suggested.indexOf(who.value) !== -1) {
        later(50); // a suggestion was picked
      } else {
        clearTimeout(suggestTimer);
        suggestTimer = setTimeout(suggest, 200);
      }
      return; // half a name previews nothing: wait for a pick or for leaving the field
    }
    later(400);
  });
  form.addEventListener("change", function () { later(50); });
})();
