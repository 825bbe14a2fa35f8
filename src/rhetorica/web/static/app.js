// Rhetorica: progressive enhancement only; every page works without this script.
"use strict";

// Show a highlight's labels and reasons beside the text on click (tooltips need a mouse);
// a claim marked in the text is a link to its card, which opens (see openClaimFromHash).
function setUpHighlights() {
  const text = document.getElementById("statement");
  const info = document.getElementById("span-info");
  if (!text || !info) return;
  const show = (el) => {
    text.querySelectorAll(".active").forEach((m) => m.classList.remove("active"));
    el.classList.add("active");
    info.textContent = el.getAttribute("title") || "";
  };
  text.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.hl");
    if (mark) show(mark);
  });
  // keyboard: tabbing onto a claim says what it is and the labels of the words in it
  text.addEventListener("focusin", (event) => {
    const claim = event.target.closest("a.claim-mark");
    if (!claim) return;
    const labels = [...new Set([...claim.querySelectorAll("mark.hl")]
      .map((m) => m.dataset.labels.replaceAll("_", " ")))];
    show(claim);
    info.textContent = claim.getAttribute("title") +
      (labels.length ? `; highlighted: ${labels.join(", ")}` : "");
  });
}

// The claim card named in the URL (#claim-...) opens and comes into view: a link to a
// claim, a claim clicked in the text, or a page reloaded after a review.
function openClaimFromHash() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!id.startsWith("claim-")) return;
  const card = document.getElementById(id);
  if (!card || card.tagName !== "DETAILS") return;
  card.open = true;
  card.scrollIntoView({ block: "nearest" });
  document.querySelectorAll("a.claim-mark.active").forEach((m) => m.classList.remove("active"));
  const mark = document.querySelector(`a.claim-mark[data-claim="${CSS.escape(id)}"]`);
  if (mark) mark.classList.add("active");
}

// One voice at a time: dim every stretch of text that is not the chosen voice's.
function setUpVoices() {
  const box = document.getElementById("voices");
  const text = document.getElementById("statement");
  if (!box || !text) return;
  box.addEventListener("change", (event) => {
    const voice = event.target.value;
    text.querySelectorAll(".voice-a, .voice-q").forEach((el) => {
      const mine = voice === "" ||
        (voice === "__author__" ? el.classList.contains("voice-a") : el.dataset.voice === voice);
      el.classList.toggle("dim", !mine);
    });
  });
}

// Poll a background job and update its progress bar until it finishes.
function setUpJob() {
  const box = document.getElementById("job");
  if (!box) return;
  const id = box.dataset.jobId;
  const finished = new Set(["done", "failed", "cancelled"]);
  // Only same-site paths: the result URL never sends the reader elsewhere.
  const sameSite = (url) => typeof url === "string" && url.startsWith("/") && !url.startsWith("//");
  // a verification returns to the statement it verified, where the verdicts are
  const returnToStatement = (url) => {
    if (box.dataset.kind === "verify" && sameSite(url)) {
      setTimeout(() => window.location.assign(url), 600);
    }
  };
  if (finished.has(box.dataset.status)) {
    // finished before this page was served: return now rather than wait for a poll
    const link = document.getElementById("job-link");
    if (box.dataset.status === "done" && link) returnToStatement(link.getAttribute("href"));
    return;
  }
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
      if (link && sameSite(job.result.document_url)) {
        link.setAttribute("href", job.result.document_url);
        returnToStatement(job.result.document_url);
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
  setUpVoices();
  setUpJob();
  openClaimFromHash();
});
window.addEventListener("hashchange", openClaimFromHash);
