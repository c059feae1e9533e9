// Uploads chosen files in small batches so a large shoot shows progress and one
// bad batch does not lose the rest. Without JavaScript the form posts as usual.
(function () {
  const form = document.getElementById("upload-form");
  if (!form || !window.fetch) return;
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const BATCH = 8;
  form.addEventListener("submit", async (event) => {
    const files = [...form.querySelectorAll('input[type=file]')].flatMap((i) => [...i.files]);
    if (!files.length) return;
    event.preventDefault();
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const totals = { imported: 0, already_there: 0, refused: [] };
    bar.hidden = false; bar.max = files.length; bar.value = 0;
    form.querySelector("button").disabled = true;
    for (let i = 0; i < files.length; i += BATCH) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token);
      for (const f of files.slice(i, i + BATCH)) body.append("files", f, f.webkitRelativePath || f.name);
      status.textContent = `Uploading ${Math.min(i + BATCH, files.length)} of ${files.length}…`;
      try {
        const r = await fetch(form.action || location.href, { method: "POST", body, headers: { Accept: "application/json" } });
        if (!r.ok) throw new Error(`the server answered ${r.status}`);
        const got = await r.json();
        totals.imported += got.imported; totals.already_there += got.already_there;
        totals.refused.push(...got.refused);
      } catch (err) {
        files.slice(i, i + BATCH).forEach((f) => totals.refused.push({ name: f.name, reason: `Upload failed (${err.message}).` }));
      }
      bar.value = Math.min(i + BATCH, files.length);
    }
    status.textContent = `Imported ${totals.imported}, already there ${totals.already_there}, refused ${totals.refused.length}.` +
      totals.refused.map((r) => `\n${r.name}: ${r.reason}`).join("");
    status.style.whiteSpace = "pre-line";
    form.querySelector("button").disabled = false;
    setTimeout(() => { if (!totals.refused.length) location.reload(); }, 1200);
  });
})();
