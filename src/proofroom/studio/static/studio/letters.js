// The form letter's live preview: as staff type, the form is sent for a preview (never
// saved) and the page's preview is replaced by the one the desk renders. Without this
// script the Preview button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  var slot = document.getElementById("letter-preview-slot");
  if (!form || !slot) return;
  var timer = null;
  var asked = 0;

  function refresh() {
    if (!form.querySelector("[name=preview_client]").value &&
        !form.querySelector("[name=preview_session]").value) return;
    var data = new FormData(form);
    data.set("action", "preview");
    var mine = ++asked;
    fetch(form.getAttribute("action") || window.location.href, {
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

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 50);
  });
})();
