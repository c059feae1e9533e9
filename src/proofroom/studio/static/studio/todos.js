// A task's Client field: suggests the clients matching what is typed (never the whole
// list) by filling its <datalist> from the desk's search. Without it, typing still works.
(function () {
  const input = document.querySelector("input[data-search][list]");
  const list = input && document.getElementById(input.getAttribute("list"));
  if (!list) return;
  let timer = null;
  let asked = "";
  const suggest = async () => {
    const typed = input.value.trim();
    if (typed.length < 2 || typed === asked || /·\s*client\s+\d+$/.test(typed)) return;
    asked = typed;
    try {
      const url = new URL(input.dataset.search, location.href);
      url.searchParams.set("q", typed);
      const r = await fetch(url, { headers: { Accept: "application/json" } });
      if (!r.ok || typed !== input.value.trim()) return;
      const found = await r.json();
      list.replaceChildren(
        ...found.clients.map((label) => {
          const option = document.createElement("option");
          option.value = label;
          return option;
        })
      );
    } catch (e) {
      asked = ""; // no suggestions this time: ask again at the next key
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
})();
