// The speed test (/connectivity/measure): the protocol of fleet.connectivity.measurements, run from this
// browser against Fleet's own endpoints, then recorded. Latency: sequential small probes (the median; jitter the
// mean absolute difference of consecutive ones). Download: parallel streams for a few seconds, the body read with
// a ReadableStream reader and its bytes counted (a finished stream is asked again). Upload: parallel POSTs of
// random bytes (crypto.getRandomValues, sent as a Blob), growing while they finish quickly.
// Mbit/s = bits / the phase's seconds.
// A measurement link's key goes in X-Fleet-Measure-Key; a signed-in page sends its CSRF token. No inline script.
(function () {
  "use strict";
  const root = document.getElementById("measure");
  if (!root) return;
  const words = JSON.parse(root.dataset.words);
  const protocol = JSON.parse(root.dataset.protocol);
  const api = root.dataset.api;
  const key = root.dataset.key;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const lang = document.documentElement.lang || "lv";
  const form = document.getElementById("measure-form");
  const start = document.getElementById("start");
  const status = document.getElementById("status");
  const formError = document.getElementById("form-error");
  const MIN_UPLOAD = 64 * 1024;

  function headers(extra) {
    const h = Object.assign({ Accept: "application/json" }, extra || {});
    if (key) h["X-Fleet-Measure-Key"] = key;
    else if (meta) h["X-CSRF-Token"] = meta.content;
    return h;
  }

  async function refusal(response) {
    try {
      const e = (await response.json()).error;
      return e.message + " [" + e.code + "]";
    } catch (ignored) {
      return "HTTP " + response.status;
    }
  }

  function number(value, digits) {
    return value.toLocaleString(lang === "lv" ? "lv-LV" : "en-GB",
      { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function mbps(value) {
    return number(value, value < 10 ? 2 : 1);
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (m, name) => values[name]);
  }

  function phase(name, state, value) {
    const li = document.getElementById("phase-" + name);
    li.dataset.state = state;
    li.querySelector(".phase-state").textContent = words[state];
    li.querySelector(".phase-value").textContent = value || "";
  }

  function say(text) {
    status.textContent = text;
  }

  async function latency() {
    const times = [];
    for (let i = 0; i <= protocol.probes; i++) {  // the first probe opens the connection: not counted
      const t0 = performance.now();
      const r = await fetch(api + "/probe?n=" + i, { cache: "no-store", headers: headers() });
      if (!r.ok) throw new Error(await refusal(r));
      await r.arrayBuffer();
      if (i > 0) times.push(performance.now() - t0);
    }
    const sorted = times.slice().sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    let jitter = 0;
    for (let i = 1; i < times.length; i++) jitter += Math.abs(times[i] - times[i - 1]);
    return { latency: median, jitter: times.length > 1 ? jitter / (times.length - 1) : 0 };
  }

  async function download() {
    let bytes = 0;
    const t0 = performance.now();
    const deadline = t0 + protocol.seconds * 1000;
    const controllers = new Set();
    const timer = setTimeout(() => controllers.forEach((c) => c.abort()), protocol.seconds * 1000);
    async function stream() {
      while (performance.now() < deadline) {
        const controller = new AbortController();
        controllers.add(controller);
        try {
          const r = await fetch(api + "/download?bytes=" + protocol.download_bytes + "&r=" + Math.random(),
            { cache: "no-store", headers: headers(), signal: controller.signal });
          if (!r.ok) throw new Error(await refusal(r));
          const reader = r.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            bytes += value.length;
          }
        } catch (e) {
          if (e.name !== "AbortError") throw e;
        } finally {
          controllers.delete(controller);
        }
      }
    }
    try {
      await Promise.all(Array.from({ length: protocol.streams }, stream));
    } finally {
      clearTimeout(timer);
    }
    const seconds = (Math.min(performance.now(), deadline + 50) - t0) / 1000;
    return bytes * 8 / seconds / 1e6;
  }

  function randomBytes(size) {
    const data = new Uint8Array(size);
    for (let at = 0; at < size; at += 65536) crypto.getRandomValues(data.subarray(at, Math.min(size, at + 65536)));
    return data;
  }

  async function upload() {
    const data = new Blob([randomBytes(protocol.upload_bytes)]);  // a Blob: Chromium sends a typed array far slower
    let bytes = 0;
    const t0 = performance.now();
    const deadline = t0 + protocol.seconds * 1000;
    async function stream() {
      let size = MIN_UPLOAD;
      while (performance.now() < deadline) {
        const sent = performance.now();
        const r = await fetch(api + "/upload?r=" + Math.random(), {
          method: "POST", cache: "no-store", body: data.slice(0, size),
          headers: headers({ "Content-Type": "application/octet-stream" }),
        });
        if (!r.ok) throw new Error(await refusal(r));
        bytes += (await r.json()).bytes;
        if (performance.now() - sent < 250) size = Math.min(size * 2, protocol.upload_bytes);  // a fast path: more
      }
    }
    await Promise.all(Array.from({ length: protocol.streams }, stream));
    return bytes * 8 / ((performance.now() - t0) / 1000) / 1e6;
  }

  async function record(result, school, link, tag) {
    const body = { download_mbps: result.download, upload_mbps: result.upload, latency_ms: result.latency,
                   jitter_ms: result.jitter, link: link, source: "browser" };
    if (!key && school) body.school = school;
    if (tag) body.asset_tag = tag;
    const r = await fetch(api + "/measurements", { method: "POST", cache: "no-store",
      headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body) });
    if (r.status !== 201) throw new Error(await refusal(r));
    return r.json();
  }

  function show(result) {
    document.getElementById("result-download").textContent = mbps(result.download);
    document.getElementById("result-upload").textContent = mbps(result.upload);
    document.getElementById("result-latency").textContent = number(result.latency, 0);
    document.getElementById("result-jitter").textContent = number(result.jitter, 1);
    document.getElementById("result-words").textContent = fill(words.summary,
      { down: mbps(result.download), up: mbps(result.upload), lat: number(result.latency, 0) });
    document.getElementById("results").hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const school = form.elements.school ? form.elements.school.value : "";
    const chosen = form.querySelector('input[name="link"]:checked');
    const problem = !chosen ? words.pick_link : !school && !key ? words.pick_school : "";
    formError.textContent = problem;
    formError.hidden = !problem;
    if (problem) {
      (chosen ? form.elements.school : document.getElementById("link-wifi")).focus();
      return;
    }
    const tag = document.getElementById("tag").value.trim();
    start.disabled = true;
    root.dataset.state = "running";
    document.getElementById("results").hidden = true;
    document.getElementById("recorded").textContent = "";
    ["latency", "download", "upload"].forEach((name) => phase(name, "waiting"));
    say(words.started);
    const result = {};
    let current = "latency";
    try {
      phase("latency", "running");
      Object.assign(result, await latency());
      phase("latency", "done", number(result.latency, 0) + " " + words.ms);
      current = "download";
      phase("download", "running");
      result.download = await download();
      phase("download", "done", mbps(result.download) + " " + words.mbps);
      current = "upload";
      phase("upload", "running");
      result.upload = await upload();
      phase("upload", "done", mbps(result.upload) + " " + words.mbps);
      current = null;
      show(result);
      unsaved = result;
      await save();
    } catch (e) {
      if (current) phase(current, "failed");
      say(words.error + " " + e.message);
      root.dataset.state = "failed";
    } finally {
      start.disabled = false;
    }
  });

  // Recording a measurement made: refused (a mistyped asset tag), it can be corrected and saved again.
  let unsaved = null;
  const retry = document.getElementById("record-again");
  async function save() {
    const school = form.elements.school ? form.elements.school.value : "";
    const chosen = form.querySelector('input[name="link"]:checked');
    const tag = document.getElementById("tag").value.trim();
    retry.hidden = true;
    try {
      await record(unsaved, school, chosen.value, tag);
    } catch (e) {
      const text = words.not_recorded + " " + e.message;
      document.getElementById("recorded").textContent = text;
      say(text);
      root.dataset.state = "unrecorded";
      retry.hidden = false;
      return;
    }
    unsaved = null;
    document.getElementById("recorded").textContent = words.recorded;
    say(words.recorded + " " + document.getElementById("result-words").textContent);
    root.dataset.state = "recorded";
  }
  retry.addEventListener("click", () => { if (unsaved) save(); });

  const linkForm = document.getElementById("link-form");
  if (linkForm) {
    const out = document.getElementById("link-url");
    const linkStatus = document.getElementById("link-status");
    linkForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const school = form.elements.school ? form.elements.school.value : "";
      if (!school) {
        formError.textContent = words.pick_school;
        formError.hidden = false;
        form.elements.school.focus();
        return;
      }
      const body = { school: school, days: parseInt(document.getElementById("link-days").value, 10) || 0 };
      const tag = document.getElementById("link-tag").value.trim();
      if (tag) body.tag = tag;
      const r = await fetch(api + "/links", { method: "POST", headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(body) });
      document.getElementById("link-result").hidden = false;
      if (!r.ok) {
        out.value = "";
        linkStatus.textContent = await refusal(r);
        return;
      }
      const made = await r.json();
      out.value = made.url;
      linkStatus.textContent = fill(words.link_made, { date: new Date(made.expires).toLocaleDateString(lang === "lv" ? "lv-LV" : "en-GB") });
    });
    document.getElementById("copy-link").addEventListener("click", async () => {
      out.select();
      try {
        await navigator.clipboard.writeText(out.value);
        linkStatus.textContent = words.copied;
      } catch (ignored) {
        linkStatus.textContent = words.copy_failed;
      }
    });
  }
})();
