/* The gallery's lightbox and choices (the store's part is at the end). A thumbnail opens its preview large; ← → and
   swipes move, Esc (or the phone's Back) closes. Signed-in clients and guests heart
   photographs (the ♥ on a tile, the lightbox's Favourite button, or F / H), add them to
   their own groups (one in the lightbox, several with Select) and, for a yearbook, pick
   a pose. Without JavaScript each thumbnail links to a plain page of the image and every
   button is a form post, so nothing here is needed to see or choose the photographs. */
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
  var heartBtn = document.getElementById("lb-heart");
  var groupsBtn = document.getElementById("lb-groups");
  var menu = document.getElementById("lb-menu");
  var yearbookBtn = document.getElementById("lb-yearbook");
  var toast = document.getElementById("toast");
  var csrfInput = document.querySelector("#heart-form [name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var current = -1;
  var opener = null;
  var pushed = false;
  var preloaded = {};

  function cellOf(i) { return tiles[i] ? tiles[i].parentElement : null; }

  // --- Talking to the gallery ------------------------------------------------

  var toastTimer = null;
  function say(text, isError, link) {
    if (!toast) return;
    toast.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      toast.appendChild(document.createTextNode(" "));
      toast.appendChild(a);
    }
    toast.classList.toggle("is-error", !!isError);
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, isError ? 7000 : 2600);
  }

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (name) {
      [].concat(fields[name]).forEach(function (value) { body.append(name, value); });
    });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var error = new Error(data.error || "Not saved: the gallery did not answer (" + response.status + ").");
        error.signIn = data.sign_in;
        throw error;
      });
    });
  }

  function failed(error) {
    if (error.signIn) say(error.message, true, { href: error.signIn, text: "Sign in" });
    else say(error.message || "Not saved: check your connection and try again.", true);
  }

  // --- Hearts ------------------------------------------------------------------

  var favCount = document.getElementById("fav-count");
  var heartsSent = 0; // only the latest answer sets the count, however they arrive

  function heartOf(cell) { return cell ? cell.querySelector(".heart") : null; }

  function showHeart(cell, on) {
    var button = heartOf(cell);
    if (!button) return;
    cell.classList.toggle("is-fav", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.value = on ? "0" : "1";
    if (current >= 0 && cellOf(current) === cell) syncLightbox();
  }

  function toggleHeart(cell) {
    var button = heartOf(cell);
    if (!button || cell.dataset.busy) return;
    var on = button.getAttribute("aria-pressed") !== "true";
    cell.dataset.busy = "1";
    showHeart(cell, on);
    if (on) {
      button.classList.remove("pop");
      void button.offsetWidth; // restart the animation
      button.classList.add("pop");
    }
    var sent = ++heartsSent;
    post(button.getAttribute("formaction"), { on: on ? "1" : "0" })
      .then(function (data) {
        if (favCount && sent === heartsSent) favCount.textContent = data.count;
        say(data.message);
      })
      .catch(function (error) {
        showHeart(cell, !on);
        failed(error);
      })
      .then(function () { delete cell.dataset.busy; });
  }

  grid.addEventListener("click", function (event) {
    var button = event.target.closest(".heart");
    if (!button) return;
    event.preventDefault();
    toggleHeart(button.parentElement);
  });

  // --- Own groups --------------------------------------------------------------

  var mineList = document.getElementById("mine-list");

  function ownGroups() {
    if (!mineList) return [];
    return Array.prototype.map.call(mineList.querySelectorAll("a[data-group]"), function (a) {
      return { id: a.dataset.group, name: a.dataset.name, link: a };
    });
  }

  function groupsOf(cell) {
    return (cell.dataset.groups || "").split(",").filter(Boolean);
  }

  function setCount(groupId, count) {
    var link = mineList && mineList.querySelector('a[data-group="' + groupId + '"] .count');
    if (link) link.textContent = count;
  }

  function addGroupChip(group) {
    if (!mineList) return;
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = "?mine=" + group.id;
    a.dataset.group = group.id;
    a.dataset.name = group.name;
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = group.name;
    var count = document.createElement("span");
    count.className = "count";
    count.textContent = group.count || 0;
    a.appendChild(name);
    a.appendChild(document.createTextNode(" "));
    a.appendChild(count);
    li.appendChild(a);
    mineList.appendChild(li);
    var select = document.getElementById("select-group");
    if (select) {
      var option = document.createElement("option");
      option.value = group.id;
      option.textContent = group.name;
      select.insertBefore(option, select.querySelector('option[value="new"]'));
    }
  }

  function createGroup(name) {
    return post(grid.dataset.groupCreate, { name: name }).then(function (data) {
      addGroupChip(data.group);
      return data.group;
    });
  }

  function changeGroup(groupId, cells, add) {
    var url = add ? grid.dataset.groupAdd : grid.dataset.groupRemove;
    var uuids = cells.map(function (cell) { return cell.dataset.uuid; });
    return post(url, { group: groupId, images: uuids }).then(function (data) {
      cells.forEach(function (cell) {
        var ids = groupsOf(cell).filter(function (id) { return id !== String(groupId); });
        if (add) ids.push(String(groupId));
        cell.dataset.groups = ids.join(",");
      });
      setCount(groupId, data.group.count);
      say(data.message);
      return data;
    });
  }

  // --- The lightbox's group menu ---------------------------------------------

  var menuList = document.getElementById("lb-menu-list");

  function fillMenu() {
    if (!menuList) return;
    var cell = cellOf(current);
    var inGroups = cell ? groupsOf(cell) : [];
    menuList.textContent = "";
    ownGroups().forEach(function (group) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.group = group.id;
      var pressed = inGroups.indexOf(group.id) >= 0;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
      button.textContent = group.name;
      li.appendChild(button);
      menuList.appendChild(li);
    });
    if (!menuList.children.length) {
      var empty = document.createElement("li");
      empty.className = "lb-menu-empty";
      empty.textContent = "No groups yet: name one below.";
      menuList.appendChild(empty);
    }
  }

  function openMenu() {
    fillMenu();
    menu.hidden = false;
    groupsBtn.setAttribute("aria-expanded", "true");
    var first = menu.querySelector("button[data-group]") || document.getElementById("lb-new-name");
    if (first) first.focus();
  }

  function closeMenu(refocus) {
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    groupsBtn.setAttribute("aria-expanded", "false");
    if (refocus) groupsBtn.focus();
  }

  if (groupsBtn && menu) {
    groupsBtn.addEventListener("click", function () {
      if (menu.hidden) openMenu(); else closeMenu(true);
    });
    menuList.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-group]");
      var cell = cellOf(current);
      if (!button || !cell) return;
      var add = button.getAttribute("aria-pressed") !== "true";
      changeGroup(button.dataset.group, [cell], add)
        .then(function () { button.setAttribute("aria-pressed", add ? "true" : "false"); })
        .catch(failed);
    });
    document.getElementById("lb-new").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("lb-new-name");
      var name = input.value.trim();
      var cell = cellOf(current);
      if (!name || !cell) return;
      createGroup(name)
        .then(function (group) { return changeGroup(group.id, [cell], true); })
        .then(function () { input.value = ""; fillMenu(); })
        .catch(failed);
    });
  }

  // --- Selecting several in the grid -----------------------------------------

  var selectToggle = document.getElementById("select-toggle");
  var selectForm = document.getElementById("select-form");
  var selectCount = document.getElementById("select-count");
  var selectGroup = document.getElementById("select-group");
  var selectNew = document.getElementById("select-new-name");

  function checked() {
    return Array.prototype.filter.call(
      grid.querySelectorAll(".pick input"), function (box) { return box.checked; });
  }

  function showSelected() {
    var n = checked().length;
    selectCount.textContent = n + " selected";
    grid.querySelectorAll(".cell").forEach(function (cell) {
      cell.classList.toggle("is-checked", cell.querySelector(".pick input").checked);
    });
  }

  function selecting(on) {
    grid.classList.toggle("selecting", on);
    selectToggle.setAttribute("aria-pressed", on ? "true" : "false");
    selectToggle.textContent = on ? "Done" : "Select";
    selectForm.hidden = !on;
    if (!on) {
      checked().forEach(function (box) { box.checked = false; });
      showSelected();
    }
  }

  function newNameWanted() {
    var wanted = selectGroup.value === "new";
    selectNew.hidden = !wanted;
    selectNew.required = wanted;
  }

  if (selectToggle && selectForm) {
    selectToggle.hidden = false;
    newNameWanted();
    selectToggle.addEventListener("click", function () {
      selecting(!grid.classList.contains("selecting"));
    });
    document.getElementById("select-cancel").addEventListener("click", function () {
      selecting(false);
    });
    selectGroup.addEventListener("change", function () {
      newNameWanted();
      if (!selectNew.hidden) selectNew.focus();
    });
    grid.addEventListener("change", function (event) {
      if (event.target.closest(".pick")) showSelected();
    });
    selectForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var cells = checked().map(function (box) { return box.closest(".cell"); });
      if (!cells.length) { say("Select one or more photographs first.", true); return; }
      var wanted = selectGroup.value === "new"
        ? createGroup(selectNew.value.trim()).then(function (group) { return group.id; })
        : Promise.resolve(selectGroup.value);
      wanted
        .then(function (groupId) {
          selectGroup.value = String(groupId);
          selectNew.value = "";
          newNameWanted();
          return changeGroup(groupId, cells, true);
        })
        .then(function () { selecting(false); })
        .catch(failed);
    });
  }

  // --- Yearbook -------------------------------------------------------------------

  function showYearbookButton() {
    if (!yearbookBtn) return;
    var cell = cellOf(current);
    var open = grid.dataset.yearbookOpen === "1";
    var eligible = cell && cell.dataset.eligible === "1";
    yearbookBtn.hidden = !(open && eligible);
    var picked = cell && cell.classList.contains("is-pick");
    yearbookBtn.setAttribute("aria-pressed", picked ? "true" : "false");
    yearbookBtn.querySelector(".lb-label").textContent =
      picked ? "Your yearbook pose" : "Choose as yearbook pose";
  }

  function showPick(cell) {
    grid.querySelectorAll(".cell.is-pick").forEach(function (other) {
      other.classList.remove("is-pick");
      var badge = other.querySelector(".pick-badge");
      if (badge) badge.remove();
    });
    cell.classList.add("is-pick");
    var badge = document.createElement("span");
    badge.className = "pick-badge";
    badge.textContent = "Yearbook pose";
    cell.appendChild(badge);
    var frame = document.getElementById("yb-frame");
    if (frame) {
      var image = document.createElement("img");
      image.id = "yb-thumb";
      image.src = cell.querySelector(".tile img").src;
      image.alt = cell.querySelector(".tile").dataset.name;
      frame.textContent = "";
      frame.appendChild(image);
    }
    var status = document.getElementById("yb-status");
    if (status) {
      status.textContent = "You chose ";
      var strong = document.createElement("strong");
      strong.id = "yb-name";
      strong.textContent = cell.querySelector(".tile").dataset.name;
      status.appendChild(strong);
      status.appendChild(document.createTextNode("."));
    }
  }

  if (yearbookBtn) {
    yearbookBtn.addEventListener("click", function () {
      var cell = cellOf(current);
      if (!cell || cell.classList.contains("is-pick")) return;
      post(grid.dataset.yearbookUrl, { image: cell.dataset.uuid })
        .then(function (data) {
          showPick(cell);
          showYearbookButton();
          say(data.message);
        })
        .catch(failed);
    });
  }

  // --- The lightbox -----------------------------------------------------------------

  function syncLightbox() {
    var cell = cellOf(current);
    if (heartBtn && cell) {
      var on = cell.classList.contains("is-fav");
      heartBtn.setAttribute("aria-pressed", on ? "true" : "false");
      heartBtn.setAttribute("aria-label", "Favourite " + tiles[current].dataset.name);
    }
    showYearbookButton();
    if (menu && !menu.hidden) fillMenu();
  }

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
    syncLightbox();
    preload(i + 1);
    preload(i - 1);
  }

  function open(i) {
    if (grid.classList.contains("selecting")) return;
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
    closeMenu(false);
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
    if (grid.classList.contains("selecting")) {
      var box_ = tile.parentElement.querySelector(".pick input");
      box_.checked = !box_.checked;
      showSelected();
      return;
    }
    open(tiles.indexOf(tile));
  });

  var orderBtn = document.getElementById("lb-order");
  if (orderBtn) {
    orderBtn.addEventListener("click", function () {
      if (tiles[current] && window.ProofroomStore) window.ProofroomStore.order(tiles[current]);
    });
  }

  prevBtn.addEventListener("click", function () { step(-1); });
  nextBtn.addEventListener("click", function () { step(1); });
  closeBtn.addEventListener("click", close);
  if (heartBtn) heartBtn.addEventListener("click", function () { toggleHeart(cellOf(current)); });
  box.addEventListener("click", function (event) {
    if (menu && !menu.hidden && !event.target.closest(".lb-menu-wrap")) closeMenu(false);
    if (event.target === stage || event.target === box) close();
  });

  function focusables() {
    return Array.prototype.filter.call(
      box.querySelectorAll("button, input"),
      function (el) { return !el.disabled && el.offsetParent !== null; }
    );
  }

  function typing(event) {
    return event.target.closest && event.target.closest("input, select, textarea");
  }

  document.addEventListener("keydown", function (event) {
    if (document.querySelector("dialog[open]")) return; // the order dialog has the keys
    var key = event.key.toLowerCase();
    if (box.hidden) {
      // F or H on a focused thumbnail hearts it, as in the lightbox.
      var focused = document.activeElement && document.activeElement.closest
        ? document.activeElement.closest("#grid .cell") : null;
      if (focused && (key === "f" || key === "h") && !event.metaKey && !event.ctrlKey && !typing(event)) {
        toggleHeart(focused);
        event.preventDefault();
      }
      if (key === "escape" && grid.classList.contains("selecting") && !typing(event)) selecting(false);
      return;
    }
    if (event.key === "Escape") {
      if (menu && !menu.hidden) closeMenu(true); else close();
      event.preventDefault();
      return;
    }
    if (event.key === "Tab") {
      // Keep the focus inside the viewer while it is open.
      var items = focusables();
      var at = items.indexOf(document.activeElement);
      var to = event.shiftKey ? at - 1 : at + 1;
      if (at < 0) to = 0;
      items[(to + items.length) % items.length].focus();
      event.preventDefault();
      return;
    }
    if (typing(event) || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
    else if ((key === "f" || key === "h") && heartBtn) {
      toggleHeart(cellOf(current));
      event.preventDefault();
    }
  });

  var touch = null;
  box.addEventListener("touchstart", function (event) {
    if (event.touches.length !== 1 || event.target.closest(".lb-tools")) { touch = null; return; }
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

/* The store: the order dialog of the grid and the lightbox, the cart count in the
   header, and the checkout's delivery choice. Without JavaScript a tile's cart button
   links to the image page's order form, and checkout shows every field. */
(function () {
  "use strict";
  var toast = document.getElementById("toast");
  var toastTimer = null;

  function say(text, isError, link) {
    if (!toast) return;
    toast.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      toast.appendChild(document.createTextNode(" "));
      toast.appendChild(a);
    }
    toast.classList.toggle("is-error", !!isError);
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, isError ? 7000 : 4200);
  }

  function showCount(count) {
    var badge = document.getElementById("cart-count");
    if (!badge) return;
    badge.textContent = count;
    badge.classList.toggle("is-empty", !count);
    badge.classList.remove("bump");
    void badge.offsetWidth; // restart the animation
    badge.classList.add("bump");
    var link = badge.closest("a");
    if (link) link.setAttribute("aria-label", "Cart, " + count + " item" + (count === 1 ? "" : "s"));
  }

  // --- The order dialog (a session's grid and lightbox) ------------------------

  var dialog = document.getElementById("order-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    var form = document.getElementById("order-dialog-form");
    var nameEl = document.getElementById("order-name");
    var thumbEl = document.getElementById("order-thumb");

    var order = function (tile) {
      var picture = tile.querySelector("img");
      nameEl.textContent = tile.dataset.name || "";
      thumbEl.textContent = "";
      if (picture) {
        var copy = document.createElement("img");
        copy.src = picture.currentSrc || picture.src;
        copy.alt = "";
        thumbEl.appendChild(copy);
      }
      if (form) {
        form.elements.image.value = tile.parentElement.dataset.uuid;
        form.elements.quantity.value = "1";
      }
      dialog.showModal();
      var first = form ? form.elements.product : dialog.querySelector("a, button");
      if (first) first.focus();
    };
    window.ProofroomStore = { order: order };

    var grid = document.getElementById("grid");
    if (grid) {
      grid.addEventListener("click", function (event) {
        var button = event.target.closest(".cart-btn");
        if (!button || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        order(button.parentElement.querySelector(".tile"));
      });
    }
    document.getElementById("order-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close(); // a click on the backdrop
    });

    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var submit = form.querySelector("[type=submit]");
        submit.disabled = true;
        fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (data) {
              if (!response.ok) {
                var error = new Error(data.error || "Not added: the gallery did not answer (" + response.status + ").");
                error.signIn = data.sign_in;
                throw error;
              }
              return data;
            });
          })
          .then(function (data) {
            dialog.close();
            showCount(data.count);
            say(data.message, false, { href: data.cart, text: "View cart" });
          })
          .catch(function (error) {
            if (error.signIn) say(error.message, true, { href: error.signIn, text: "Sign in" });
            else say(error.message || "Not added: check your connection and try again.", true);
          })
          .then(function () { submit.disabled = false; });
      });
    }
  }

  // --- Checkout -------------------------------------------------------------------

  var checkout = document.getElementById("checkout");
  if (checkout) {
    var address = document.getElementById("address");
    var place = document.getElementById("place-order");
    var chosen = function () {
      var radio = checkout.querySelector("input[name=delivery]:checked");
      return radio ? radio.value : "";
    };
    var showDelivery = function () {
      var value = chosen();
      if (address) address.hidden = value !== "ship";
      checkout.querySelectorAll("[data-delivery]").forEach(function (el) {
        el.hidden = el.dataset.delivery !== value;
      });
    };
    checkout.addEventListener("change", function (event) {
      if (event.target.name === "delivery") showDelivery();
    });
    showDelivery();
    var placeText = place.textContent;
    checkout.addEventListener("submit", function () {
      // One order however often it is clicked (the server holds to that too).
      setTimeout(function () { place.disabled = true; place.textContent = "Placing your order…"; }, 0);
    });
    window.addEventListener("pageshow", function () {
      place.disabled = false;
      place.textContent = placeText;
    });
  }

  // --- A prepaid order's choices ------------------------------------------------

  document.querySelectorAll(".prepaid-item").forEach(function (fieldset) {
    fieldset.addEventListener("change", function (event) {
      var label = fieldset.querySelector("[id^=chosen-]");
      var choice = event.target.closest(".choice");
      if (label && choice) label.textContent = "Chosen: " + choice.querySelector(".choice-name").textContent;
    });
  });
})();
