/* The desk's top bar: on a narrow screen it folds into the Menu (a <details>), open on a
 * wide one. Loaded right after the bar, before the page below it is drawn, so a phone
 * never shows the whole bar first. Without this file the menu simply stays open. */
(function () {
  "use strict";
  const menu = document.getElementById("desk-menu");
  if (!menu) return;
  const wide = window.matchMedia("(min-width: 901px)");
  function fit() {
    menu.open = wide.matches;
  }
  fit();
  wide.addEventListener("change", fit);
  // A tap outside the open menu on a phone folds it again.
  document.addEventListener("click", (event) => {
    if (!wide.matches && menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
