// jervis web app: the little script the pages need (no inline script anywhere; CSP forbids it).
// An analysis page polls its status until the job is done, then reloads to show the verdict.
"use strict";
(function () {
  const box = document.getElementById("progress");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const bar = document.getElementById("job-bar");
  const stateEl = document.getElementById("job-state");
  const stageEl = document.getElementById("job-stage");
  const elapsedEl = document.getElementById("job-elapsed");
  const steps = { queued: 5, loading: 15, running: 30 };
  async function poll() {
    let status;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      status = await response.json();
    } catch (err) {
      stageEl.textContent = "cannot reach the server; retrying";
      setTimeout(poll, 3000);
      return;
    }
    stateEl.textContent = status.state;
    stateEl.className = "state s-" + status.state;
    stageEl.textContent = status.stage;
    elapsedEl.textContent = status.elapsed_s.toFixed(0);
    if (status.done) {
      window.location.reload();
      return;
    }
    let pct = steps[status.state] || 0;
    if (status.state === "running" && status.typical_s) {
      pct = Math.min(95, 30 + 65 * status.elapsed_s / status.typical_s);
    }
    if (pct) bar.value = pct; else bar.removeAttribute("value");
    setTimeout(poll, 1000);
  }
  poll();
})();
