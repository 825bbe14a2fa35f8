// Rhetorica: progressive enhancement only; every page works without this script.
"use strict";

// Show a highlight's labels and reasons below the text on click (tooltips need a mouse),
// and open the claim card whose sentence contains the clicked words.
function setUpHighlights() {
  const text = document.getElementById("statement");
  const info = document.getElementById("span-info");
  if (!text || !info) return;
  text.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.hl");
    if (!mark) return;
    text.querySelectorAll("mark.active").forEach((m) => m.classList.remove("active"));
    mark.classList.add("active");
    info.textContent = mark.getAttribute("title") || "";
  });
}

// Poll a background job and update its progress bar until it finishes.
function setUpJob() {
  const box = document.getElementById("job");
  if (!box) return;
  const id = box.dataset.jobId;
  const finished = new Set(["done", "failed", "cancelled"]);
  if (finished.has(box.dataset.status)) return;
  const tick = async () => {
    let job;
    try {
      const resp = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}`,
                               { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!resp.ok) throw new Error(String(resp.status));
      job = await resp.json();
    } catch (err) {
      document.getElementById("job-message").textContent = "lost contact with the server; retrying";
      setTimeout(tick, 2000);
      return;
    }
    const bar = document.getElementById("job-progress");
    bar.max = job.total || 1;
    bar.value = job.done;
    box.dataset.status = job.status;
    document.getElementById("job-status").textContent = job.status;
    document.getElementById("job-count").textContent = `${job.done}/${job.total}`;
    document.getElementById("job-message").textContent = job.error || job.message || "";
    if (job.status === "done") {
      const created = document.getElementById("job-created");
      if (created) created.textContent = job.result.created ?? 0;
      const updated = document.getElementById("job-updated");
      if (updated) updated.textContent = job.result.updated ?? 0;
      const link = document.getElementById("job-link");
      // Only same-site paths: the result URL never sends the reader elsewhere.
      if (link && typeof job.result.document_url === "string" &&
          job.result.document_url.startsWith("/") && !job.result.document_url.startsWith("//")) {
        link.setAttribute("href", job.result.document_url);
        // a verification returns to the statement it verified, where the verdicts are
        if (box.dataset.kind === "verify") {
          setTimeout(() => window.location.assign(job.result.document_url), 600);
        }
      }
      document.getElementById("job-result").hidden = false;
    }
    if (finished.has(job.status)) {
      const cancel = document.getElementById("job-cancel");
      if (cancel) cancel.remove();
      return;
    }
    setTimeout(tick, 500);
  };
  setTimeout(tick, 300);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpHighlights();
  setUpJob();
});
