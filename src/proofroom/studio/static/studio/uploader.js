// The uploader's tabs, the live count of chosen images ((by rating ∪ by group ∪
// one by one) less those left out, as the server computes it) and the expire date
// the days give.
(function () {
  const form = document.getElementById("uploader");
  if (!form) return;
  document.documentElement.classList.add("js");
  const tabs = [...form.querySelectorAll('[role="tab"]')];
  const show = (tab) => {
    tabs.forEach((t) => {
      const on = t === tab;
      t.setAttribute("aria-selected", on);
      document.querySelector(t.getAttribute("href")).hidden = !on;
    });
  };
  tabs.forEach((t) => t.addEventListener("click", (e) => { e.preventDefault(); show(t); }));
  // After a refusal the page opens on the tab holding the problem; the summary's links
  // lead to theirs.
  const tabFor = (id) => tabs.find((t) => t.getAttribute("href") === "#" + id);
  show(tabFor(form.dataset.openTab) || tabs[0]);
  form.querySelectorAll('.error-summary a[href^="#tab-"]').forEach((a) => {
    a.addEventListener("click", (e) => {
      const tab = tabFor(a.getAttribute("href").slice(1));
      if (tab) { e.preventDefault(); show(tab); }
    });
  });

  const tiles = [...form.querySelectorAll(".pick-grid li[data-rating]")];
  const count = document.getElementById("chosen-count");
  const update = () => {
    const ratings = new Set([...form.querySelectorAll('input[name="rating"]:checked')].map((i) => i.value));
    const groups = new Set([...form.querySelectorAll('input[name="group"]:checked')].map((i) => i.value));
    let n = 0;
    tiles.forEach((li) => {
      const own = li.querySelector('input[name="image"]').checked;
      const out = li.querySelector('input[name="leave_out"]').checked;
      const byGroup = li.dataset.groups.trim().split(/\s+/).some((g) => groups.has(g));
      const chosen = !out && (own || ratings.has(li.dataset.rating) || byGroup);
      li.classList.toggle("chosen", chosen);
      li.classList.toggle("left-out", out);
      if (chosen) n += 1;
    });
    count.textContent = n;
  };
  // Ticking an image one by one takes it back in; leaving it out unticks it.
  form.addEventListener("change", (e) => {
    const box = e.target;
    const li = box.closest && box.closest(".pick-grid li");
    if (li && box.checked && (box.name === "image" || box.name === "leave_out")) {
      const other = li.querySelector(`input[name="${box.name === "image" ? "leave_out" : "image"}"]`);
      if (other) other.checked = false;
    }
    update();
  });
  update();

  const days = form.querySelector('input[name="days_active"]');
  const out = document.getElementById("expire-date");
  const today = new Date(form.dataset.today + "T12:00:00");
  const showDate = () => {
    const d = parseInt(days.value, 10);
    if (!d || d < 1) { out.textContent = "—"; return; }
    const when = new Date(today.getTime() + d * 86400000);
    out.textContent = when.toLocaleDateString(undefined, { day: "numeric", month: "long", year: "numeric" });
  };
  days.addEventListener("input", showDate);
})();
