// wattsweep's built-in dashboard: sweeps and results from the REST API, live power from the
// coordinator's server-sent events (/api/v1/live). Plain JavaScript, charts drawn on canvas;
// nothing is fetched from anywhere but the coordinator.
(function () {
  "use strict";

  const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B"];
  const HISTORY_MS = 10 * 60 * 1000;
  const MAX_WINDOW_MS = 5 * 60 * 1000;
  const MIN_WINDOW_MS = 20 * 1000;

  const state = {
    runs: new Map(),        // runId -> run
    jobs: new Map(),        // jobId -> job view from its sweep
    jobColors: new Map(),   // jobId -> colour
    sweeps: [],
    views: new Map(),       // sweepId -> sweep view
    selected: decodeURIComponent(location.hash.slice(1)) || null,
    pinned: location.hash.length > 1,
    clockOffsetMs: 0,       // coordinator clock minus this browser's
    samples: 0, liveSamples: 0, batches: 0,
    charts: new Map(),      // device key -> chart
    reportKey: null,
    latenciesMs: [],        // sample taken -> drawn here, for the last power samples
  };
  // For benchmarks and the curious: how long after its sampling each power sample arrived.
  window.wattsweepLatenciesMs = state.latenciesMs;

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };
  const now = () => Date.now() + state.clockOffsetMs;

  // ---------- formatting ----------
  function sig(x, digits) {
    if (x === null || x === undefined || !isFinite(x)) return "–";
    if (x === 0) return "0";
    const d = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
    return x.toFixed(Math.min(d, 6));
  }
  function joules(j) {
    if (j === null || j === undefined || !isFinite(j)) return "–";
    const a = Math.abs(j);
    if (a >= 1e9) return sig(j / 1e9, 3) + " GJ";
    if (a >= 1e6) return sig(j / 1e6, 3) + " MJ";
    if (a >= 1e3) return sig(j / 1e3, 3) + " kJ";
    return sig(j, 3) + " J";
  }
  function watts(w) {
    if (w === null || w === undefined || !isFinite(w)) return "–";
    return (w >= 100 ? w.toFixed(0) : w.toFixed(1));
  }
  function ago(ms) {
    const s = Math.max(0, Math.round((now() - ms) / 1000));
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    if (s < 86400) return Math.round(s / 3600) + " h ago";
    return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  }
  function clock(ms) {
    const s = Math.round(ms / 1000);
    if (s === 0) return "now";
    const a = Math.abs(s);
    return "−" + Math.floor(a / 60) + ":" + String(a % 60).padStart(2, "0");
  }

  function jobLabel(jobId) {
    const j = state.jobs.get(jobId);
    if (!j) return "job …" + jobId.slice(-6);
    return j.precision + " · batch " + j.batch + " · " + j.gpus + (j.gpus === 1 ? " GPU" : " GPUs");
  }
  function jobColor(jobId) {
    if (!state.jobColors.has(jobId)) {
      state.jobColors.set(jobId, COLORS[state.jobColors.size % COLORS.length]);
    }
    return state.jobColors.get(jobId);
  }

  // ---------- live stream ----------
  function connect() {
    const source = new EventSource("/api/v1/live");
    source.onopen = () => setStream("live");
    source.onerror = () => setStream(source.readyState === EventSource.CLOSED ? "down" : "connecting");
    source.addEventListener("snapshot", (m) => {
      const snap = JSON.parse(m.data);
      state.clockOffsetMs = snap.serverTimeMs - Date.now();
      for (const r of snap.runs) {
        const run = upsertRun(r);
        const samples = (r.samples || []).map((p) => [p[0], p[1]]);
        if (samples.length > run.samples.length) run.samples = samples;
        state.samples += samples.length;
      }
      changed();
    });
    source.addEventListener("run", (m) => {
      const r = JSON.parse(m.data);
      upsertRun(r);
      if (!state.jobs.has(r.jobId)) refreshSweeps();
      else if (state.selected) loadSweep(state.selected);
      changed();
    });
    source.addEventListener("power", (m) => {
      const p = JSON.parse(m.data);
      const run = upsertRun({ jobId: p.jobId, runId: p.runId, method: p.method, estimate: p.estimate });
      run.samples.push([p.atMs, p.watts]);
      run.powerWatts = p.watts;
      run.powerAtMs = p.atMs;
      // Both clocks are assumed in sync (NTP), as for the ingest-delay metric.
      state.latenciesMs.push(Date.now() - p.atMs);
      if (state.latenciesMs.length > 1000) state.latenciesMs.shift();
      trim(run);
      state.samples++;
      state.liveSamples++;
      changed();
    });
    source.addEventListener("batch", (m) => {
      const b = JSON.parse(m.data);
      const run = upsertRun({ jobId: b.jobId, runId: b.runId });
      run.batchesDone = Math.max(run.batchesDone || 0, b.batchIndex + 1);
      run.batchTimes.push(b.atMs);
      state.batches++;
      changed();
    });
  }

  function setStream(s) {
    const box = $("stream");
    box.className = "stream " + s;
    document.body.dataset.stream = s;
    updateStreamText();
  }
  function updateStreamText() {
    const s = document.body.dataset.stream;
    const recent = state.latenciesMs.slice(-20).sort((a, b) => a - b);
    const behind = recent.length ? " · ~" + Math.max(0, Math.round(recent[recent.length >> 1])) + " ms behind" : "";
    $("stream-text").textContent = s === "live"
      ? "live · " + state.liveSamples + " samples, " + state.batches + " batches since opened" + behind
      : s === "down" ? "disconnected" : "connecting…";
  }

  function upsertRun(r) {
    let run = state.runs.get(r.runId);
    if (!run) {
      run = { jobId: r.jobId, runId: r.runId, samples: [], batchTimes: [], devices: [], batchesDone: 0, state: "running" };
      state.runs.set(r.runId, run);
    }
    for (const k of ["workerId", "host", "method", "estimate", "precisionRan", "state", "failure",
      "startedAtMs", "endedAtMs", "idleWatts", "powerWatts", "powerAtMs"]) {
      if (r[k] !== undefined && r[k] !== null) run[k] = r[k];
    }
    if (r.devices && r.devices.length) run.devices = r.devices;
    if (r.batchesDone) run.batchesDone = Math.max(run.batchesDone, r.batchesDone);
    return run;
  }

  function trim(run) {
    const cutoff = now() - HISTORY_MS;
    let i = 0;
    while (i < run.samples.length && run.samples[i][0] < cutoff) i++;
    if (i > 0) run.samples.splice(0, i);
  }

  let pending = false;
  function changed() {
    document.body.dataset.samples = String(state.samples);
    document.body.dataset.liveSamples = String(state.liveSamples);
    document.body.dataset.batches = String(state.batches);
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }

  // ---------- devices and charts ----------
  function deviceKey(run) {
    if (!run.devices.length) return "job:" + run.jobId;
    return (run.workerId || "?") + "|" + run.devices.map((d) => d.uuid).join(",");
  }
  function deviceTitle(run) {
    const d = run.devices;
    if (!d.length) return jobLabel(run.jobId);
    const kind = d[0].kind === "gpu" ? "GPU" : "CPU";
    const names = [...new Set(d.map((x) => x.name))].join(", ");
    const idx = d.map((x) => x.index).join(", ");
    return kind + " " + idx + " · " + names;
  }

  function groups() {
    const out = new Map();
    const cutoff = now() - HISTORY_MS;
    for (const run of state.runs.values()) {
      const last = run.samples.length ? run.samples[run.samples.length - 1][0] : (run.powerAtMs || run.startedAtMs || 0);
      if (last < cutoff && run.state !== "running") continue;
      const key = deviceKey(run);
      if (!out.has(key)) out.set(key, []);
      out.get(key).push(run);
    }
    return out;
  }

  function renderCharts() {
    const gs = groups();
    $("no-live").hidden = gs.size > 0;
    const container = $("charts");
    for (const [key, chart] of state.charts) {
      if (!gs.has(key)) { chart.root.remove(); state.charts.delete(key); }
    }
    for (const [key, runs] of gs) {
      let chart = state.charts.get(key);
      if (!chart) {
        chart = makeChart(key);
        state.charts.set(key, chart);
        container.appendChild(chart.root);
      }
      updateChart(chart, runs);
    }
  }

  function makeChart(key) {
    const root = el("div", "device");
    root.dataset.device = key;
    const top = el("div", "top");
    const left = el("div");
    const title = el("div", "title");
    const sub = el("div", "sub");
    const job = el("div", "sub");
    left.append(title, sub, job);
    const right = el("div");
    right.style.textAlign = "right";
    const big = el("div", "watts");
    const method = el("span", "badge");
    right.append(big, method);
    top.append(left, right);
    const canvas = el("canvas", "power-chart");
    canvas.dataset.points = "0";
    const legend = el("div", "legend");
    root.append(top, canvas, legend);
    return { root, title, sub, job, big, method, canvas, legend };
  }

  function updateChart(chart, runs) {
    runs.sort((a, b) => (a.samples[0] ? a.samples[0][0] : 0) - (b.samples[0] ? b.samples[0][0] : 0));
    const latest = runs.reduce((best, r) => ((r.powerAtMs || 0) > (best.powerAtMs || 0) ? r : best), runs[0]);
    chart.title.textContent = deviceTitle(latest);
    const limit = latest.devices.reduce((s, d) => s + (d.powerLimitWatts || 0), 0);
    chart.sub.textContent = "worker " + (latest.workerId || "?") +
      (limit > 0 ? " · " + (latest.devices[0].kind === "gpu" ? "limit " : "TDP ") + watts(limit) + " W" : "") +
      (latest.idleWatts ? " · idle " + watts(latest.idleWatts) + " W" : "");
    const active = runs.find((r) => r.state === "running") || latest;
    chart.job.textContent = (active.state === "running" ? "running " : active.state + " ") + jobLabel(active.jobId) +
      (active.batchesDone ? " · " + active.batchesDone + " measured batch" + (active.batchesDone === 1 ? "" : "es") : "");
    const fresh = latest.powerAtMs && now() - latest.powerAtMs < 10000 && latest.state === "running";
    chart.big.textContent = "";
    chart.big.append(fresh ? watts(latest.powerWatts) : "–", el("small", null, " W"));
    chart.method.textContent = (latest.method || "power") + (latest.estimate ? " · estimate" : "");
    chart.method.className = "badge" + (latest.estimate ? " estimate" : "");
    chart.legend.textContent = "";
    for (const r of runs) {
      const s = el("span", null, jobLabel(r.jobId) + (r.state !== "running" ? " (" + r.state + ")" : ""));
      s.style.setProperty("--c", jobColor(r.jobId));
      chart.legend.append(s);
    }
    draw(chart.canvas, runs, limit);
  }

  function niceStep(range, count) {
    const raw = range / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
    return 10 * mag;
  }

  function draw(canvas, runs, limit) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 400;
    const h = canvas.clientHeight || 180;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const pad = { l: 46, r: 12, t: 10, b: 22 };
    const tNow = now();
    let first = tNow;
    let maxW = 0;
    for (const r of runs) {
      for (const p of r.samples) {
        if (p[0] < tNow - MAX_WINDOW_MS) continue;
        first = Math.min(first, p[0]);
        maxW = Math.max(maxW, p[1]);
      }
    }
    const span = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, (tNow - first) * 1.1));
    const t0 = tNow - span;
    const showLimit = limit > 0 && limit <= Math.max(maxW, 1) * 1.6;
    let yMax = Math.max(maxW * 1.15, showLimit ? limit * 1.08 : 0, 1);
    const yStep = niceStep(yMax, 4);
    yMax = Math.ceil(yMax / yStep) * yStep;
    const x = (t) => pad.l + (t - t0) / span * (w - pad.l - pad.r);
    const y = (v) => h - pad.b - v / yMax * (h - pad.t - pad.b);

    g.font = "11px system-ui, sans-serif";
    g.lineWidth = 1;
    g.strokeStyle = "#e6eaef";
    g.fillStyle = "#7a8595";
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (let v = 0; v <= yMax + 1e-9; v += yStep) {
      g.beginPath(); g.moveTo(pad.l, Math.round(y(v)) + 0.5); g.lineTo(w - pad.r, Math.round(y(v)) + 0.5); g.stroke();
      g.fillText(sig(v, 3) + " W", pad.l - 6, y(v));
    }
    g.textAlign = "center";
    g.textBaseline = "top";
    const xStep = niceStep(span / 1000, 5) * 1000;
    for (let t = 0; t <= span + 1; t += xStep) {
      const xt = x(tNow - t);
      if (xt < pad.l + 10 && t !== 0) continue;
      g.fillText(clock(-t), Math.min(xt, w - pad.r - 10), h - pad.b + 5);
    }
    if (showLimit) {
      g.save();
      g.setLineDash([4, 4]);
      g.strokeStyle = "#c0392b";
      g.beginPath(); g.moveTo(pad.l, y(limit)); g.lineTo(w - pad.r, y(limit)); g.stroke();
      g.restore();
      g.fillStyle = "#c0392b";
      g.textAlign = "left";
      g.textBaseline = "bottom";
      g.fillText((runs[0].devices[0] && runs[0].devices[0].kind === "gpu" ? "limit " : "TDP ") + watts(limit) + " W", pad.l + 4, y(limit) - 2);
    }

    let points = 0;
    g.save();
    g.beginPath(); g.rect(pad.l, 0, w - pad.l - pad.r, h); g.clip();
    for (const r of runs) {
      const pts = r.samples.filter((p) => p[0] >= t0 - 2000);
      if (!pts.length) continue;
      points += pts.length;
      const c = jobColor(r.jobId);
      g.beginPath();
      g.moveTo(x(pts[0][0]), y(0));
      for (const p of pts) g.lineTo(x(p[0]), y(p[1]));
      g.lineTo(x(pts[pts.length - 1][0]), y(0));
      g.closePath();
      g.globalAlpha = 0.1; g.fillStyle = c; g.fill(); g.globalAlpha = 1;
      g.beginPath();
      pts.forEach((p, i) => (i ? g.lineTo(x(p[0]), y(p[1])) : g.moveTo(x(p[0]), y(p[1]))));
      g.strokeStyle = c; g.lineWidth = 2; g.lineJoin = "round"; g.stroke();
      g.fillStyle = c;
      g.globalAlpha = 0.55;
      for (const t of r.batchTimes) {
        if (t >= t0) g.fillRect(x(t) - 0.5, h - pad.b - 5, 1, 5);
      }
      g.globalAlpha = 1;
      if (r.state === "running") {
        const last = pts[pts.length - 1];
        g.beginPath(); g.arc(x(last[0]), y(last[1]), 3.5, 0, 2 * Math.PI); g.fill();
      }
    }
    g.restore();
    g.strokeStyle = "#b8c2cc";
    g.beginPath(); g.moveTo(pad.l, h - pad.b + 0.5); g.lineTo(w - pad.r, h - pad.b + 0.5); g.stroke();
    canvas.dataset.points = String(points);
  }

  // ---------- sweeps and results ----------
  async function getJson(path) {
    const res = await fetch(path, { cache: "no-store" });
    // A coordinator with tokens that no longer knows this browser's: log in again.
    if (res.status === 401) location.assign("/dashboard/login");
    if (!res.ok) throw new Error(path + ": HTTP " + res.status);
    return res.json();
  }

  async function refreshSweeps() {
    try {
      const body = await getJson("/api/v1/sweeps");
      state.sweeps = body.sweeps || [];
      if (!state.pinned || !state.sweeps.some((s) => s.sweepId === state.selected)) {
        state.selected = state.sweeps.length ? state.sweeps[0].sweepId : null;
      }
      renderSweepList();
      const loads = state.sweeps.filter((s) => s.finished < s.jobs || !state.views.has(s.sweepId))
        .slice(0, 5).map((s) => loadSweep(s.sweepId));
      if (state.selected && !loads.length) loads.push(loadSweep(state.selected));
      await Promise.all(loads);
    } catch (e) {
      console.warn("sweeps", e);
    }
  }

  async function loadSweep(id) {
    try {
      const view = await getJson("/api/v1/sweeps/" + encodeURIComponent(id));
      state.views.set(id, view);
      for (const j of view.jobs) state.jobs.set(j.jobId, j);
      if (id === state.selected) renderSweep(view);
      renderSweepList();
      changed();
    } catch (e) {
      console.warn("sweep " + id, e);
    }
  }

  function progressBar(counts, total, big) {
    const bar = el("div", "bar" + (big ? " big" : ""));
    const seg = (cls, n) => {
      if (!n) return;
      const s = el("div", cls);
      s.style.width = (100 * n / Math.max(1, total)) + "%";
      bar.append(s);
    };
    seg("done", counts.COMPLETED || 0);
    seg("failed", counts.FAILED || 0);
    seg("running", counts.RUNNING || 0);
    return bar;
  }

  function renderSweepList() {
    const list = $("sweeps");
    list.textContent = "";
    $("no-sweeps").hidden = state.sweeps.length > 0;
    for (const s of state.sweeps) {
      const li = el("li");
      li.dataset.sweep = s.sweepId;
      if (s.sweepId === state.selected) li.classList.add("selected");
      li.append(el("div", "name", s.name || s.sweepId));
      li.append(el("div", "meta", s.sweepId + " · " + s.model + " · " + ago(s.submittedAtMs)));
      const row = el("div", "row");
      const view = state.views.get(s.sweepId);
      const counts = view ? view.jobCounts : { COMPLETED: s.finished };
      row.append(progressBar(counts, s.jobs, false), el("span", null, s.finished + "/" + s.jobs + " done"));
      li.append(row);
      li.onclick = () => {
        state.selected = s.sweepId;
        state.pinned = true;
        history.replaceState(null, "", "#" + encodeURIComponent(s.sweepId));
        renderSweepList();
        const v = state.views.get(s.sweepId);
        if (v) renderSweep(v);
        loadSweep(s.sweepId);
      };
      list.append(li);
    }
  }

  function liveRunOf(jobId) {
    let best = null;
    for (const r of state.runs.values()) {
      if (r.jobId === jobId && (!best || (r.startedAtMs || 0) >= (best.startedAtMs || 0))) best = r;
    }
    return best;
  }

  function renderSweep(view) {
    $("sweep").hidden = false;
    $("sweep-title").textContent = view.name || view.sweepId;
    $("sweep-meta").textContent = view.sweepId + " · " + view.model + " · submitted " + ago(view.submittedAtMs);
    const total = view.jobs.length;
    const c = view.jobCounts || {};
    const oldBar = document.querySelector(".progress-row .bar");
    oldBar.replaceWith(progressBar(c, total, true));
    $("sweep-counts").textContent = (c.COMPLETED || 0) + " completed · " + (c.RUNNING || 0) + " running · " +
      (c.QUEUED || 0) + " queued · " + (c.FAILED || 0) + " failed";
    const body = document.querySelector("#results tbody");
    body.textContent = "";
    for (const j of view.jobs) {
      const r = j.run || {};
      const tr = el("tr");
      tr.dataset.job = j.jobId;
      const state_ = j.state.toLowerCase();
      const precision = r.precisionRan && r.precisionRan !== j.precision ? j.precision + " → " + r.precisionRan : j.precision;
      const cell = (text, cls) => { const td = el("td", cls, text); tr.append(td); return td; };
      cell(j.gpuClass);
      cell(precision);
      cell(j.batch);
      cell(String(j.gpus), "num");
      const st = cell("");
      st.append(el("span", "badge " + state_, state_));
      const live = liveRunOf(j.jobId);
      if (state_ === "running" && live) {
        st.append(" ", el("span", "hint", "batch " + (live.batchesDone || 0) +
          (live.powerWatts ? " · " + watts(live.powerWatts) + " W" : "")));
      }
      cell(r.energyPerBatchJoules != null
        ? joules(r.energyPerBatchJoules) + (r.energyPerBatchCi95Joules != null ? " ± " + joules(r.energyPerBatchCi95Joules) : "")
        : "–", "num");
      cell(joules(r.netEnergyPerBatchJoules), "num");
      cell(r.secondsPerBatch != null ? sig(r.secondsPerBatch, 3) : "–", "num");
      const m = cell("");
      if (r.energyMethod) m.append(el("span", "badge" + (r.energyIsEstimate ? " estimate" : ""), r.energyMethod + (r.energyIsEstimate ? " (estimate)" : "")));
      const ft = r.fullTraining;
      cell(ft ? sig(ft.energyKwh, 3) + (ft.energyCi95Joules ? " ± " + sig(ft.energyCi95Joules / 3.6e6, 2) : "") + " kWh" : "–", "num");
      cell(r.failureReason ? r.failureReason + ": " + (r.failureMessage || "")
        : [r.precisionNote, r.fullTrainingNote].filter(n => n).join("; "), "note");
      body.append(tr);
    }
    const done = (c.COMPLETED || 0);
    const key = view.sweepId + "/" + ((c.COMPLETED || 0) + (c.FAILED || 0));
    $("report").hidden = done === 0;
    if (done > 0 && state.reportKey !== key) {
      state.reportKey = key;
      const base = "/dashboard/sweeps/" + encodeURIComponent(view.sweepId) + "/report/";
      $("report-figure").src = base + "energy-per-batch.svg?v=" + encodeURIComponent(key);
      $("report-html").href = base + "report.html";
      $("report-power").href = base + "power.svg?v=" + encodeURIComponent(key);
      $("report-csv").href = base + "results.csv";
    }
  }

  function render() {
    renderCharts();
    updateStreamText();
    const view = state.selected && state.views.get(state.selected);
    if (view) renderSweep(view);
  }

  // ---------- start ----------
  connect();
  refreshSweeps();
  setInterval(refreshSweeps, 3000);
  setInterval(render, 1000);
  window.addEventListener("resize", () => changed());
})();
