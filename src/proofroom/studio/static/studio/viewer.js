/* The session's image viewer: culling with the keyboard, multi-select, groups.
 *
 * The page works without this file (the toolbar posts the checked images); this adds
 * the current image, keys, the large view, and saves by fetch with an optimistic UI:
 * a rating shows at once and is rolled back, with a visible error, if the save fails.
 */
(function () {
  "use strict";

  const viewer = document.getElementById("viewer");
  const grid = document.getElementById("grid");
  if (!viewer) return;

  const form = document.getElementById("cull");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const rateUrl = viewer.dataset.rateUrl;
  const tiles = grid ? Array.from(grid.querySelectorAll(".tile")) : [];
  const loupe = document.getElementById("loupe");
  const loupeImg = document.getElementById("loupe-img");
  const loupePending = document.getElementById("loupe-pending");
  const groupMenu = document.getElementById("group-menu");
  const statusLine = document.getElementById("viewer-status");
  const errorBox = document.getElementById("viewer-error");
  const errorText = document.getElementById("viewer-error-text");
  const checkedNote = document.getElementById("checked-note");
  const checkedCount = document.getElementById("checked-count");

  const LABELS = { selected: "Selected", not_selected: "Not Selected", undecided: "Undecided" };
  const KEY_RATINGS = { p: "selected", x: "not_selected", u: "undecided" };

  let current = -1; // index into tiles
  let anchor = -1; // where a Shift+click range starts
  let saveSeq = 0;
  let saveChain = Promise.resolve();

  const groups = new Map(
    Array.from(document.querySelectorAll("#group-list .group")).map((li) => [
      li.dataset.group,
      {
        name: li.dataset.name,
        addUrl: li.dataset.addUrl,
        removeUrl: li.dataset.removeUrl,
        count: li.querySelector("[data-role=count]"),
      },
    ]),
  );

  // --- Feedback ------------------------------------------------------------------------

  function announce(text) {
    statusLine.textContent = text;
  }

  function showError(text) {
    errorText.textContent = text;
    errorBox.hidden = false;
  }

  function hideError() {
    errorBox.hidden = true;
  }

  // --- Server --------------------------------------------------------------------------

  async function post(url, fields) {
    const body = new URLSearchParams();
    for (const [name, value] of fields) body.append(name, value);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      });
    } catch (e) {
      throw new Error("the server could not be reached");
    }
    const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
    if (response.redirected || !isJson) {
      throw new Error(
        response.status === 403 || response.redirected
          ? "you are no longer logged in; reload the page"
          : "the server answered " + response.status,
      );
    }
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || "the server answered " + response.status);
    return data;
  }

  // Saves go out one after another so the server sees the ratings in the order they were given.
  function queue(task) {
    const run = saveChain.then(task);
    saveChain = run.catch(() => undefined);
    return run;
  }

  // --- Tiles -----------------------------------------------------------------------------

  function isChecked(tile) {
    return tile.querySelector(".tile-check input").checked;
  }

  function setChecked(tile, on) {
    tile.querySelector(".tile-check input").checked = on;
    tile.classList.toggle("checked", on);
  }

  function checkedTiles() {
    return tiles.filter(isChecked);
  }

  function updateCheckedNote() {
    const n = checkedTiles().length;
    checkedCount.textContent = String(n);
    checkedNote.hidden = n === 0;
  }

  /** The images an action applies to: the checked ones, or else the current one. */
  function targets() {
    if (!loupe.hidden) return current >= 0 ? [tiles[current]] : [];
    const checked = checkedTiles();
    if (checked.length) return checked;
    return current >= 0 ? [tiles[current]] : [];
  }

  function setCurrent(index, { focus = true, remember = true } = {}) {
    if (!tiles.length) return;
    index = Math.max(0, Math.min(tiles.length - 1, index));
    if (current >= 0 && tiles[current]) {
      tiles[current].classList.remove("current");
      tiles[current].removeAttribute("aria-current");
      tiles[current].querySelector(".tile-main").tabIndex = -1;
    }
    current = index;
    const tile = tiles[current];
    tile.classList.add("current");
    tile.setAttribute("aria-current", "true");
    const main = tile.querySelector(".tile-main");
    main.tabIndex = 0;
    if (focus && loupe.hidden) {
      main.focus({ preventScroll: true });
      tile.scrollIntoView({ block: "nearest" });
    }
    // The address remembers the current image, so a reload comes back to it.
    if (remember) history.replaceState(null, "", "#" + tile.id);
    if (!loupe.hidden) showLoupe();
  }

  function columns() {
    const template = getComputedStyle(grid).gridTemplateColumns;
    return Math.max(1, template.split(" ").filter(Boolean).length);
  }

  /** Move the current image; past either end of the page, open the next or previous page. */
  function move(step) {
    if (!tiles.length) return;
    if (current < 0) return setCurrent(0);
    const target = current + step;
    if (target < 0) {
      if (current === 0 && grid.dataset.prevUrl) location.href = grid.dataset.prevUrl + "#last";
      else setCurrent(0);
    } else if (target >= tiles.length) {
      if (current === tiles.length - 1 && grid.dataset.nextUrl) location.href = grid.dataset.nextUrl + "#first";
      else setCurrent(tiles.length - 1);
    } else {
      setCurrent(target);
    }
  }

  function renderRating(tile, rating) {
    tile.dataset.rating = rating;
    for (const name of Object.keys(LABELS)) tile.classList.toggle("r-" + name, name === rating);
    const badge = tile.querySelector("[data-role=badge]");
    badge.className = "badge r-" + rating;
    badge.textContent = LABELS[rating];
    if (!loupe.hidden && tiles[current] === tile) showLoupe();
  }

  function bumpCount(rating, delta) {
    const el = document.querySelector('[data-count-for="' + rating + '"]');
    if (el) el.textContent = String(Number(el.textContent) + delta);
  }

  function setRating(tile, rating) {
    const before = tile.dataset.rating;
    if (before === rating) return;
    bumpCount(before, -1);
    bumpCount(rating, 1);
    renderRating(tile, rating);
  }

  function rate(rating) {
    const chosen = targets();
    if (!chosen.length) return;
    const changes = chosen
      .map((tile) => ({ tile, before: tile.dataset.rating }))
      .filter((c) => c.before !== rating);
    const what = chosen.length === 1 ? chosen[0].dataset.name : chosen.length + " images";
    if (!changes.length) {
      announce(what + " is already " + LABELS[rating] + ".");
      return;
    }
    const seq = ++saveSeq;
    for (const c of changes) {
      setRating(c.tile, rating);
      c.tile.dataset.saveSeq = String(seq);
      c.tile.classList.add("saving");
    }
    announce(what + ": " + LABELS[rating] + " — saving…");
    const fields = changes.map((c) => ["image", c.tile.dataset.id]);
    fields.push(["rating", rating]);
    queue(() => post(rateUrl, fields))
      .then(() => {
        announce(what + ": " + LABELS[rating] + " — saved.");
      })
      .catch((error) => {
        // Undo only what a later rating has not changed again.
        for (const c of changes) {
          if (c.tile.dataset.saveSeq === String(seq)) setRating(c.tile, c.before);
        }
        announce("");
        showError("Not saved: " + what + " could not be marked " + LABELS[rating] + " (" + error.message + "). Its rating was put back.");
      })
      .finally(() => {
        for (const c of changes) {
          if (c.tile.dataset.saveSeq === String(seq)) c.tile.classList.remove("saving");
        }
      });
  }

  // --- Groups --------------------------------------------------------------------------------

  function renderGroups(tile) {
    const ids = (tile.dataset.groups || "").split(",").filter(Boolean);
    const names = ids.map((id) => (groups.get(id) || {}).name).filter(Boolean).sort();
    tile.querySelector("[data-role=groups]").textContent = names.join(", ");
  }

  function changeGroup(groupId, add) {
    const group = groups.get(groupId);
    const chosen = targets();
    closeGroupMenu();
    if (!group || !chosen.length) return;
    const what = chosen.length === 1 ? chosen[0].dataset.name : chosen.length + " images";
    announce((add ? "Adding " : "Removing ") + what + (add ? " to “" : " from “") + group.name + "”…");
    const fields = chosen.map((tile) => ["image", tile.dataset.id]);
    queue(() => post(add ? group.addUrl : group.removeUrl, fields))
      .then((data) => {
        group.count.textContent = String(data.count);
        for (const tile of chosen) {
          const ids = new Set((tile.dataset.groups || "").split(",").filter(Boolean));
          if (add) ids.add(groupId);
          else ids.delete(groupId);
          tile.dataset.groups = Array.from(ids).join(",");
          renderGroups(tile);
        }
        announce(what + (add ? " added to “" : " removed from “") + group.name + "”.");
      })
      .catch((error) => {
        announce("");
        showError("Not saved: " + what + " could not be " + (add ? "added to “" : "removed from “") + group.name + "” (" + error.message + ").");
      });
  }

  function openGroupMenu() {
    if (!groups.size) {
      const input = document.getElementById("group-new-name");
      input.focus();
      input.scrollIntoView({ block: "center" });
      announce("No groups yet: name a new group first.");
      return;
    }
    groupMenu.open = true;
    const first = groupMenu.querySelector(".gm-add");
    if (first) first.focus();
  }

  function closeGroupMenu() {
    if (!groupMenu.open) return;
    groupMenu.open = false;
    if (current >= 0) tiles[current].querySelector(".tile-main").focus({ preventScroll: true });
  }

  // --- Large view ------------------------------------------------------------------------------

  function showLoupe() {
    if (current < 0) return;
    const tile = tiles[current];
    document.getElementById("loupe-name").textContent = tile.dataset.name;
    document.getElementById("loupe-pos").textContent = tile.dataset.position + " of " + grid.dataset.total;
    const badge = document.getElementById("loupe-badge");
    badge.className = "badge r-" + tile.dataset.rating;
    badge.textContent = LABELS[tile.dataset.rating];
    if (tile.dataset.preview) {
      loupeImg.hidden = false;
      loupePending.hidden = true;
      if (loupeImg.getAttribute("src") !== tile.dataset.preview) loupeImg.src = tile.dataset.preview;
      loupeImg.alt = tile.dataset.name;
      // Warm the neighbours so stepping through stays instant.
      for (const near of [tiles[current + 1], tiles[current - 1]]) {
        if (near && near.dataset.preview) new Image().src = near.dataset.preview;
      }
    } else {
      loupeImg.hidden = true;
      loupeImg.removeAttribute("src");
      loupePending.hidden = false;
      loupePending.textContent = tile.dataset.status === "Could not be read" ? "could not be read" : "making preview…";
    }
  }

  function openLoupe() {
    if (current < 0) setCurrent(0);
    if (current < 0) return;
    loupe.hidden = false;
    document.body.classList.add("loupe-open");
    showLoupe();
    loupe.focus();
  }

  function closeLoupe() {
    loupe.hidden = true;
    document.body.classList.remove("loupe-open");
    if (current >= 0) setCurrent(current);
  }

  // --- Checks ------------------------------------------------------------------------------------

  function checkRange(from, to) {
    const [a, b] = from < to ? [from, to] : [to, from];
    for (let i = a; i <= b; i++) setChecked(tiles[i], true);
    updateCheckedNote();
  }

  function clearChecks() {
    for (const tile of tiles) setChecked(tile, false);
    updateCheckedNote();
  }

  // --- Events ---------------------------------------------------------------------------------------

  // A finger has no double click and no keys: a tap on a photograph opens it large,
  // where the rating buttons are in reach and a swipe moves to the next or previous one.
  let lastPointer = "mouse";
  document.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType || "mouse";
  });

  if (grid) {
    grid.addEventListener("click", (event) => {
      const tile = event.target.closest(".tile");
      if (!tile) return;
      const index = tiles.indexOf(tile);
      const box = event.target.closest(".tile-check");
      if (!box && lastPointer === "touch" && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
        anchor = index;
        setCurrent(index);
        openLoupe();
        return;
      }
      if (box) {
        // The checkbox toggles itself; Shift extends from the last one clicked.
        if (event.target.tagName !== "INPUT") return;
        if (event.shiftKey && anchor >= 0) checkRange(anchor, index);
        setChecked(tile, isChecked(tile));
        anchor = index;
        setCurrent(index);
        updateCheckedNote();
        return;
      }
      if (event.shiftKey) {
        checkRange(anchor >= 0 ? anchor : current >= 0 ? current : index, index);
      } else if (event.ctrlKey || event.metaKey) {
        setChecked(tile, !isChecked(tile));
        updateCheckedNote();
        anchor = index;
      } else {
        anchor = index;
      }
      setCurrent(index);
    });
    grid.addEventListener("dblclick", (event) => {
      const tile = event.target.closest(".tile");
      if (tile && !event.target.closest(".tile-check")) {
        setCurrent(tiles.indexOf(tile));
        openLoupe();
      }
    });
    // Shift+click would also select the page's text.
    grid.addEventListener("mousedown", (event) => {
      if (event.shiftKey) event.preventDefault();
    });
  }

  viewer.addEventListener("click", (event) => {
    const rateButton = event.target.closest("[data-rate]");
    if (rateButton) {
      event.preventDefault();
      rate(rateButton.dataset.rate);
      return;
    }
    const groupButton = event.target.closest("[data-group-action]");
    if (groupButton) {
      event.preventDefault();
      changeGroup(groupButton.dataset.group, groupButton.dataset.groupAction === "add");
      return;
    }
    const action = event.target.closest("[data-action]");
    if (!action) return;
    const name = action.dataset.action;
    if (name === "large") openLoupe();
    else if (name === "close") closeLoupe();
    else if (name === "prev") move(-1);
    else if (name === "next") move(1);
    else if (name === "clear") clearChecks();
    else if (name === "dismiss") hideError();
  });

  document.addEventListener("click", (event) => {
    if (groupMenu.open && !groupMenu.contains(event.target)) groupMenu.open = false;
  });

  const SWIPE = 40; // px a finger travels sideways before it counts as a swipe
  let touchStart = null;
  loupe.addEventListener(
    "touchstart",
    (event) => {
      const touch = event.touches.length === 1 ? event.touches[0] : null;
      touchStart = touch ? { x: touch.clientX, y: touch.clientY } : null;
    },
    { passive: true },
  );
  loupe.addEventListener("touchend", (event) => {
    const touch = event.changedTouches[0];
    if (!touchStart || !touch) return;
    const dx = touch.clientX - touchStart.x;
    const dy = touch.clientY - touchStart.y;
    touchStart = null;
    if (Math.abs(dx) >= SWIPE && Math.abs(dx) > 1.5 * Math.abs(dy)) {
      event.preventDefault(); // no click after a swipe
      move(dx < 0 ? 1 : -1);
    }
  });

  loupe.addEventListener("click", (event) => {
    if (event.target === loupe || event.target.classList.contains("loupe-stage")) closeLoupe();
  });

  function typing(target) {
    return Boolean(target.closest("input:not([type=checkbox]), textarea, select, [contenteditable]"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey) return;
    if (typing(event.target)) return;
    const key = event.key;
    const lower = key.length === 1 ? key.toLowerCase() : key;

    if (groupMenu.open && groupMenu.contains(event.target) && loupe.hidden) {
      if (key === "Escape") {
        event.preventDefault();
        closeGroupMenu();
      } else if (/^[1-9]$/.test(key)) {
        const button = groupMenu.querySelectorAll(".gm-add")[Number(key) - 1];
        if (button) {
          event.preventDefault();
          changeGroup(button.dataset.group, true);
        }
      } else if (key === "ArrowDown" || key === "ArrowUp") {
        event.preventDefault();
        const buttons = Array.from(groupMenu.querySelectorAll(".gm-add, .gm-remove"));
        const at = buttons.indexOf(document.activeElement);
        const step = key === "ArrowDown" ? 2 : -2;
        const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + step))];
        if (next) next.focus();
      }
      return;
    }

    if ((event.ctrlKey || event.metaKey) && lower === "a" && tiles.length && loupe.hidden) {
      event.preventDefault();
      for (const tile of tiles) setChecked(tile, true);
      updateCheckedNote();
      return;
    }
    if (event.ctrlKey || event.metaKey) return;

    // Enter and Space belong to a focused control, except on the grid and the large view.
    const onViewer =
      event.target === document.body || event.target.closest(".tile-main, .tile-check, #loupe");
    if (KEY_RATINGS[lower]) {
      event.preventDefault();
      rate(KEY_RATINGS[lower]);
    } else if (lower === "g" && loupe.hidden) {
      event.preventDefault();
      openGroupMenu();
    } else if (key === "ArrowRight" || key === "ArrowLeft") {
      event.preventDefault();
      const step = key === "ArrowRight" ? 1 : -1;
      if (event.shiftKey && current >= 0 && loupe.hidden) {
        setChecked(tiles[current], true);
        const next = Math.max(0, Math.min(tiles.length - 1, current + step));
        setChecked(tiles[next], true);
        updateCheckedNote();
        setCurrent(next);
      } else {
        move(step);
      }
    } else if ((key === "ArrowDown" || key === "ArrowUp") && loupe.hidden && grid) {
      event.preventDefault();
      move(key === "ArrowDown" ? columns() : -columns());
    } else if ((key === "Enter" || key === " ") && onViewer) {
      event.preventDefault();
      if (loupe.hidden) openLoupe();
      else closeLoupe();
    } else if (key === "Escape") {
      if (!loupe.hidden) {
        event.preventDefault();
        closeLoupe();
      } else if (checkedTiles().length) {
        event.preventDefault();
        clearChecks();
      }
    }
  });

  // Keep the checkbox's look in step when it is toggled by the browser itself.
  form.addEventListener("change", (event) => {
    const tile = event.target.closest(".tile");
    if (tile) {
      tile.classList.toggle("checked", event.target.checked);
      updateCheckedNote();
    }
  });

  // --- Start -------------------------------------------------------------------------------------------

  if (tiles.length) {
    const hash = location.hash.slice(1);
    let start = 0;
    if (hash === "last") start = tiles.length - 1;
    else if (hash.startsWith("img-")) start = Math.max(0, tiles.findIndex((t) => t.id === hash));
    for (const tile of tiles) tile.classList.toggle("checked", isChecked(tile));
    updateCheckedNote();
    setCurrent(start, { focus: hash !== "", remember: hash !== "" });
  }
})();
