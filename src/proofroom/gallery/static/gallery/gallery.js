/* The gallery's lightbox: a thumbnail opens its preview large; ← → and swipes move,
   Esc (or the phone's Back) closes. Without JavaScript each thumbnail is a link to a
   plain page of the image, so nothing here is needed to see the photographs. */
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  var box = document.getElementById("lightbox");
  if (!grid || !box) return;

  var tiles = Array.prototype.slice.call(grid.querySelectorAll(".tile"));
  var offset = parseInt(grid.dataset.offset || "0", 10);
  var total = parseInt(grid.dataset.total || String(tiles.length), 10);
  var stage = document.getElementById("lb-stage");
  var img = document.getElementById("lb-img");
  var thumb = document.getElementById("lb-thumb");
  var nameEl = document.getElementById("lb-name");
  var countEl = document.getElementById("lb-count");
  var prevBtn = document.getElementById("lb-prev");
  var nextBtn = document.getElementById("lb-next");
  var closeBtn = document.getElementById("lb-close");
  var current = -1;
  var opener = null;
  var pushed = false;
  var preloaded = {};

  function preload(i) {
    var tile = tiles[i];
    if (!tile || preloaded[i]) return;
    preloaded[i] = new Image();
    preloaded[i].src = tile.dataset.preview;
  }

  function show(i) {
    var tile = tiles[i];
    current = i;
    var small = tile.querySelector("img");
    thumb.src = small ? (small.currentSrc || small.src) : "";
    img.classList.remove("ready");
    img.onload = function () { img.classList.add("ready"); };
    img.src = tile.dataset.preview;
    img.alt = tile.dataset.name;
    if (img.complete && img.naturalWidth) img.classList.add("ready");
    nameEl.textContent = tile.dataset.name;
    countEl.textContent = (offset + i + 1) + " / " + total;
    prevBtn.disabled = i === 0 && !grid.dataset.previousPage;
    nextBtn.disabled = i === tiles.length - 1 && !grid.dataset.nextPage;
    preload(i + 1);
    preload(i - 1);
  }

  function open(i) {
    opener = document.activeElement;
    box.hidden = false;
    document.body.classList.add("lb-open");
    if (!pushed) {
      history.pushState({ lightbox: true }, "");
      pushed = true;
    }
    show(i);
    closeBtn.focus({ preventScroll: true });
  }

  function hide() {
    box.hidden = true;
    document.body.classList.remove("lb-open");
    img.removeAttribute("src");
    var tile = tiles[current];
    current = -1;
    if (tile) tile.focus({ preventScroll: false });
    else if (opener && opener.focus) opener.focus();
  }

  function close() {
    if (pushed) {
      history.back(); // popstate hides it, so Back and ✕ end the same way
    } else {
      hide();
    }
  }

  function step(delta) {
    if (current < 0) return;
    var i = current + delta;
    if (i < 0) {
      if (grid.dataset.previousPage) location.assign(grid.dataset.previousPage + "#lb-last");
      return;
    }
    if (i >= tiles.length) {
      if (grid.dataset.nextPage) location.assign(grid.dataset.nextPage + "#lb-first");
      return;
    }
    show(i);
  }

  window.addEventListener("popstate", function () {
    if (pushed) {
      pushed = false;
      if (!box.hidden) hide();
    }
  });

  grid.addEventListener("click", function (event) {
    var tile = event.target.closest(".tile");
    if (!tile || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    open(tiles.indexOf(tile));
  });

  prevBtn.addEventListener("click", function () { step(-1); });
  nextBtn.addEventListener("click", function () { step(1); });
  closeBtn.addEventListener("click", close);
  box.addEventListener("click", function (event) {
    if (event.target === stage || event.target === box) close();
  });

  document.addEventListener("keydown", function (event) {
    if (box.hidden) return;
    if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
    else if (event.key === "Escape") { close(); event.preventDefault(); }
    else if (event.key === "Tab") {
      // Keep the focus inside the viewer while it is open.
      var buttons = [closeBtn, prevBtn, nextBtn].filter(function (b) { return !b.disabled; });
      var at = buttons.indexOf(document.activeElement);
      var to = event.shiftKey ? at - 1 : at + 1;
      buttons[(to + buttons.length) % buttons.length].focus();
      event.preventDefault();
    }
  });

  var touch = null;
  box.addEventListener("touchstart", function (event) {
    if (event.touches.length !== 1) { touch = null; return; }
    touch = { x: event.touches[0].clientX, y: event.touches[0].clientY };
  }, { passive: true });
  box.addEventListener("touchend", function (event) {
    if (!touch) return;
    var dx = event.changedTouches[0].clientX - touch.x;
    var dy = event.changedTouches[0].clientY - touch.y;
    touch = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy) * 1.5) step(dx < 0 ? 1 : -1);
  }, { passive: true });

  // Arriving from the previous or next page of thumbnails with the viewer open.
  if (location.hash === "#lb-first" || location.hash === "#lb-last") {
    var at = location.hash === "#lb-first" ? 0 : tiles.length - 1;
    history.replaceState(null, "", location.pathname + location.search);
    if (tiles.length) open(at);
  }
})();
