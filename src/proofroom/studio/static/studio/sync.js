// Live progress of a sync: polls its status until it finishes, then reloads for the summary.
(function () {
  const box = document.getElementById("sync-run");
  if (!box || box.dataset.finished) return;
  const status = document.getElementById("sync-status");
  const step = document.getElementById("sync-step");
  const bar = document.getElementById("sync-progress");
  const log = document.getElementById("sync-log");
  const tick = async () => {
    try {
      const r = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      if (r.ok) {
        const s = await r.json();
        status.textContent = s.status_label;
        step.textContent = s.step;
        bar.max = s.total || 1;
        bar.value = s.done;
        log.textContent = s.log;
        if (s.finished) {
          bar.max = 1;
          bar.value = 1; // ended: full, then the page reloads with the summary
          location.reload();
          return;
        }
      }
    } catch (e) { step.textContent = "Waiting for the desk…"; }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 700);
})();
