// Follows an ingest batch: polls its JSON twin until it is done, updating the page in place.
(function () {
  "use strict";
  const box = document.getElementById("batch");
  if (!box) return;
  const url = box.dataset.url;
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };
  function render(b) {
    const bar = document.getElementById("batch-progress");
    bar.max = b.total; bar.value = b.processed; bar.textContent = b.percent + "%";
    set("batch-count", b.processed + " / " + b.total);
    set("batch-status", b.status_label);
    set("batch-ingested", b.ingested);
    set("batch-unchanged", b.unchanged);
    set("batch-failed", b.failures.length);
    const body = document.querySelector("#batch-files tbody");
    body.replaceChildren(...b.files.map((f) => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      if (f.document_id) {
        const a = document.createElement("a");
        a.href = "../../documents/" + f.document_id + "/";
        a.textContent = f.name;
        name.append(a);
      } else {
        name.textContent = f.name;
      }
      const status = document.createElement("td"); status.textContent = f.status_label;
      const message = document.createElement("td"); message.textContent = f.message;
      tr.append(name, status, message);
      return tr;
    }));
    box.dataset.status = b.status;
  }
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((b) => { render(b); if (b.status !== "done" && b.status !== "failed") setTimeout(poll, 1000); })
      .catch(() => setTimeout(poll, 3000));
  }
  if (box.dataset.status !== "done") poll();
})();
