// The scan station (templates/station/station.html). A keyboard-wedge scanner types a code and Enter
// (or Tab) into #scan-code; a camera hands codes over as a "fleet:code" event on document ({code, source})
// and says when it runs ("fleet:camera": the field then does not take the focus back).
// Each code — unless it repeats the previous one within a second (a bounce) — becomes a scan with its own
// nonce, is kept in a queue in localStorage, and is sent in order to the JSON API with the session's
// CSRF token; the answer becomes a row at the top of #scan-log (role="log"), the big status panel and
// a short sound. When the server cannot be reached the scan stays queued, the page says so, and the
// queue is sent when the server answers again (a timer, and the browser's "online" event); a resent scan
// the server had applied is answered "already" thanks to its nonce. Nothing is exposed globally.
// The collect mode (the end-of-year collection of a class): a scan takes the exception set before it
// (#collect-exception: a condition other than good, accessories missing) along with it, in the queue
// too, and the exception is reset for the next scan; each answer carries the class's count.

import { beep } from "./station-sound.js";

const BOUNCE_MS = 1000;
const RETRY_MS = 3000;
const ANSWER_MS = 20000; // a scan not answered by then counts as not delivered
const QUEUE_KEY = "fleet.station.queue";
const MUTE_KEY = "fleet.station.muted";
const SHIPMENT_KEY = "fleet.station.shipment."; // + school: the station's open shipment to it
const UNREACHABLE = new Set([502, 503, 504]); // a proxy answering for a server that is down
const PLURAL = { // which plural form a count takes, as the catalogs' Plural-Forms say
  lv: (n) => (n % 10 === 0 || (n % 100 >= 11 && n % 100 <= 19) ? 0 : n % 10 === 1 && n % 100 !== 11 ? 1 : 2),
  en: (n) => (n === 1 ? 0 : 1),
};
const MARKS = { applied: "✔", already: "↺", found: "ℹ", pending: "…", refused: "✖" };

const root = document.getElementById("station");
if (root) {
  setUpModeForm(root);
  if (root.dataset.ready === "true") setUpStation(root);
}

// What the station remembers (mute, the open shipment): localStorage, or for this page only where the
// browser refuses it.
const kept = new Map();
function remembered(key) {
  try { return localStorage.getItem(key); } catch { return kept.has(key) ? kept.get(key) : null; }
}
function remember(key, value) {
  kept.set(key, value);
  try {
    if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
  } catch {
    // kept for this page only
  }
}

// --- the mode form: only the selected mode's parameters are shown and sent -------------------------
function setUpModeForm(root) {
  const form = root.querySelector("#mode-form");
  const select = form.querySelector("#mode");
  const params = [...form.querySelectorAll("label.param")];
  const show = () => {
    for (const label of params) {
      const on = label.dataset.modes.split(" ").includes(select.value);
      label.hidden = !on;
      for (const control of label.querySelectorAll("input, select")) control.disabled = !on;
    }
  };
  select.addEventListener("change", show);
  form.addEventListener("submit", () => {
    show();
    for (const control of form.querySelectorAll("input, select")) {
      if (control !== select && !control.value.trim()) control.disabled = true; // keep the URL to what was chosen
    }
  });
  window.addEventListener("pageshow", show); // back to the page: the controls enabled again
  show();
}

// --- the station ------------------------------------------------------------------------------------
function setUpStation(root) {
  const words = JSON.parse(root.dataset.words);
  const lang = root.dataset.lang;
  const api = root.dataset.api;
  const station = { mode: root.dataset.mode, params: JSON.parse(root.dataset.params) };
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const field = root.querySelector("#scan-code");
  const log = root.querySelector("#scan-rows"); // inside #scan-log, the role="log" region
  const panel = root.querySelector("#scan-status");
  const offlineNote = root.querySelector("#scan-offline");
  const muteButton = root.querySelector("#scan-mute");
  const counts = root.querySelector("#scan-counts");
  const rows = new Map(); // nonce → its row in the log
  let last = { code: null, at: 0 };
  let busy = false;
  let retry = null;
  let unreachable = false;
  let muted = remembered(MUTE_KEY) === "true";

  // Typing and scanning ---------------------------------------------------------------------------
  root.querySelector("#scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    take(field.value, "keyboard");
  });
  field.addEventListener("keydown", (event) => {
    if (event.key === "Tab" && !event.shiftKey && field.value.trim()) { // a scanner set to end with Tab
      event.preventDefault();
      take(field.value, "keyboard");
    }
  });
  document.addEventListener("fleet:code", (event) => {
    const code = event.detail && event.detail.code;
    if (typeof code === "string") take(code, event.detail.source || "camera");
  });

  function take(raw, source) {
    field.value = "";
    const code = raw.trim();
    if (!code) return;
    const now = Date.now();
    if (code === last.code && now - last.at < BOUNCE_MS) return; // a bounce: the same code again at once
    last = { code, at: now };
    const scan = { nonce: crypto.randomUUID(), code, source, mode: station.mode, params: { ...station.params }, at: now };
    if (station.mode === "collect") scan.exception = takeException();
    saveQueue([...loadQueue(), scan]);
    addRow(scan);
    pump();
  }

  // The scan field keeps the focus — except while the camera runs: on a phone the focused field would
  // bring up the on-screen keyboard over the picture. When the camera stops, the field has it again.
  const CONTROLS = "input, select, textarea, button, a[href], summary, video, [contenteditable]";
  let cameraOn = false;
  document.addEventListener("fleet:camera", (event) => {
    cameraOn = Boolean(event.detail && event.detail.running);
    if (!cameraOn) field.focus({ preventScroll: true });
    else if (document.activeElement === field) field.blur();
  });
  const refocus = () => {
    if (cameraOn) return;
    const here = document.activeElement;
    if (!here || here === document.body || !here.matches(CONTROLS) || here.closest("#scan-log, #scan-status")) {
      field.focus({ preventScroll: true });
    }
  };
  document.addEventListener("focusout", () => setTimeout(refocus, 0));
  window.addEventListener("focus", () => setTimeout(refocus, 0));
  document.addEventListener("click", (event) => {
    // A click with the mouse on a button (mute, camera, new shipment) or on nothing in particular gives the
    // focus back to the field: the next scan's Enter must not press that button. Text fields and lists
    // the person clicked into keep it; a click made with the keyboard (detail 0) leaves the focus too.
    if (event.detail === 0) return;
    const exceptionBox = event.target.closest("#collect-exception"); // the collection's tick boxes: scan next
    if (!exceptionBox && event.target.closest("input:not([type=checkbox]):not([type=radio]), select, textarea, summary, a[href], label")) {
      return;
    }
    setTimeout(() => { if (!cameraOn) field.focus({ preventScroll: true }); }, 0);
  });
  field.focus();

  // Sending, in order ---------------------------------------------------------------------------------
  async function pump() {
    if (busy) return;
    busy = true;
    clearTimeout(retry);
    retry = null;
    try {
      for (let scan = loadQueue()[0]; scan; scan = loadQueue()[0]) {
        setRow(scan, "sending");
        let answer;
        try {
          answer = await send(scan);
        } catch {
          setRow(scan, "pending");
          setUnreachable(true);
          retry = setTimeout(pump, RETRY_MS);
          return;
        }
        saveQueue(loadQueue().filter((s) => s.nonce !== scan.nonce)); // (another tab may have added to it)
        setUnreachable(false);
        show(scan, answer);
        refreshCounts();
      }
    } finally {
      busy = false;
      showWaiting();
    }
  }

  async function send(scan) {
    const { url, body } = request(scan);
    const response = await fetch(url, {
      method: "POST",
      signal: AbortSignal.timeout(ANSWER_MS), // no answer: sent again later, its nonce keeps it one scan
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf,
                 "Accept-Language": lang },
      body: JSON.stringify(body),
    });
    if (UNREACHABLE.has(response.status)) throw new Error("unreachable");
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    return { status: response.status, data };
  }

  function request(scan) {
    const p = scan.params;
    const one = { code: scan.code, nonce: scan.nonce };
    switch (scan.mode) {
      case "receive": return { url: `${api}/deliveries/${p.delivery}/receive`, body: one };
      case "arrive": return { url: `${api}/shipments/${p.shipment}/arrive`, body: one };
      case "stocktake": return { url: `${api}/stocktakes/${p.stocktake}/scan`, body: one };
      case "ship": {
        const shipment = Number(remembered(SHIPMENT_KEY + p.school)) || undefined;
        return { url: `${api}/shipments/scan`, body: { ...one, school: p.school, shipment } };
      }
      case "image": return { url: `${api}/scan`, body: { ...one, action: "image", image: p.image, station: p.station } };
      case "note": return { url: `${api}/scan`, body: { ...one, action: "note", text: p.text } };
      case "lookup": return { url: `${api}/scan`, body: one };
      case "collect": {
        const e = scan.exception || {};
        const body = { ...one, school: p.school, grade: p.class };
        if (e.condition && e.condition !== "good") body.condition = e.condition;
        if (e.missing && e.missing.length) body.accessories_missing = e.missing;
        return { url: `${api}/loans/collect`, body };
      }
      default: return { url: `${api}/scan`, body: { ...one, action: scan.mode } }; // label, wipe, repair
    }
  }

  // What the answer says ------------------------------------------------------------------------------
  function show(scan, { status, data }) {
    const result = { outcome: "refused", word: words.outcome.refused, detail: "", reason: "", allowed: null };
    if (status === 200 && data && scan.mode === "collect") {
      result.outcome = data.already ? "already" : "applied";
      result.word = words.outcome[result.outcome];
      result.detail = describeReturn(data);
      if (data.collection) showCollection(data.collection);
    } else if (status === 200 && data) {
      result.outcome = data.applied ? "applied" : data.already ? "already" : "found";
      result.word = words.outcome[result.outcome];
      result.detail = describe(data.device);
      if (data.unexpected) result.detail += ` · ${words.unexpected}`;
      if (scan.mode === "ship" && data.shipment) rememberShipment(scan.params.school, data.shipment);
    } else if (data && data.error) {
      result.outcome = data.error.code;
      result.word = capitalized(words.refusal[data.error.code] || words.outcome.refused);
      result.reason = data.error.message;
      const details = data.error.details || {};
      if (Array.isArray(details.allowed)) result.allowed = details.allowed;
      if (typeof details.status === "string") {
        result.detail = words.status_now.replace("%(status)s", words.status[details.status] || details.status);
      }
    } else {
      result.outcome = "server_error";
      result.reason = words.server_error.replace("%(status)s", status);
    }
    const kind = ["applied", "already", "found"].includes(result.outcome) ? result.outcome : "refused";
    fillRow(rows.get(scan.nonce) || addRow(scan), scan, result, kind);
    setPanel(kind, result, scan);
    if (!muted) beep(kind);
  }

  function capitalized(text) {
    return text.charAt(0).toLocaleUpperCase(lang) + text.slice(1);
  }

  function describe(device) {
    if (!device) return "";
    const status = words.status[device.status] || device.status;
    return [device.serial, device.asset_tag, status, device.school].filter(Boolean).join(" · ");
  }

  // A collected laptop: whose it was, its tag, the condition, what is missing.
  function describeReturn(loan) {
    const missing = (loan.accessories_missing || []).map((a) => words.accessory[a] || a);
    return [loan.pupil_name, words.other_class.replace("%(grade)s", loan.grade), loan.asset_tag || loan.device,
            words.condition[loan.return_condition] || loan.return_condition,
            missing.length ? words.missing_items.replace("%(items)s", missing.join(", ")) : ""]
      .filter(Boolean).join(" · ");
  }

  function allowedText(allowed) {
    if (!allowed.length) return words.none_allowed;
    return words.allowed.replace("%(actions)s", allowed.map((a) => words.action[a] || a).join(", "));
  }

  // The log ---------------------------------------------------------------------------------------------
  function addRow(scan) {
    const row = document.createElement("li");
    row.className = "scan-row pending";
    row.dataset.outcome = "pending";
    row.dataset.code = scan.code;
    row.dataset.nonce = scan.nonce;
    const mark = element("span", "mark", MARKS.pending);
    mark.setAttribute("aria-hidden", "true");
    const time = element("time", "at", new Date(scan.at).toLocaleTimeString(lang));
    time.dateTime = new Date(scan.at).toISOString();
    row.append(mark, element("code", "code", scan.code), element("strong", "word", words.outcome.pending), time);
    log.prepend(row);
    rows.set(scan.nonce, row);
    while (log.children.length > 200) {
      rows.delete(log.lastElementChild.dataset.nonce);
      log.lastElementChild.remove();
    }
    return row;
  }

  function setRow(scan, state) {
    const row = rows.get(scan.nonce);
    if (row && row.dataset.outcome === "pending") row.querySelector(".word").textContent = words.outcome[state];
  }

  function fillRow(row, scan, result, kind) {
    row.className = `scan-row ${kind}`;
    row.dataset.outcome = result.outcome;
    row.querySelector(".mark").textContent = MARKS[kind];
    row.querySelector(".word").textContent = result.word;
    for (const old of row.querySelectorAll(".detail, .reason, .allowed")) old.remove();
    const time = row.querySelector("time");
    if (result.detail) row.insertBefore(element("span", "detail", result.detail), time);
    if (result.reason) row.insertBefore(element("span", "reason", result.reason), time);
    if (result.allowed) row.insertBefore(element("span", "allowed", allowedText(result.allowed)), time);
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  }

  // The big panel, the sound ----------------------------------------------------------------------------
  function setPanel(kind, result, scan) {
    panel.dataset.outcome = kind;
    panel.querySelector(".status-icon").textContent = MARKS[kind];
    panel.querySelector(".status-word").textContent = result.word;
    const code = scan.code.replace(/^[a-z]+:\/\/.*\/d\/(?=[^/]+\/?$)/i, ""); // a label's URL: its tag
    const known = result.detail && result.detail.toUpperCase().includes(code.toUpperCase());
    const detail = [known ? "" : code, result.detail, result.reason].filter(Boolean).join(" — ");
    panel.querySelector(".status-detail").textContent = detail;
  }

  const updateMute = () => {
    muteButton.setAttribute("aria-pressed", String(muted));
  };
  muteButton.addEventListener("click", () => {
    muted = !muted;
    remember(MUTE_KEY, String(muted));
    updateMute();
  });
  updateMute();

  // The queue: in localStorage, so that it outlives the page; in memory only if the browser refuses storage.
  let memory = null;
  function loadQueue() {
    if (memory) return memory;
    try {
      const stored = JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(stored) ? stored.filter((s) => s && s.nonce && s.code && s.mode) : [];
    } catch {
      return [];
    }
  }

  function saveQueue(queue) {
    try {
      if (!memory) return localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    } catch {
      // storage full or switched off: keep the queue in memory from now on
    }
    memory = queue;
  }

  function setUnreachable(down) {
    unreachable = down;
    showWaiting();
  }

  function showWaiting() {
    const n = loadQueue().length;
    root.dataset.waiting = String(n);
    root.dataset.online = String(!unreachable);
    if (unreachable && n) {
      offlineNote.textContent = counted(words.offline, n);
      offlineNote.className = "offline down";
    } else if (n > 1) {
      offlineNote.textContent = counted(words.sending_queue, n);
      offlineNote.className = "offline";
    } else {
      offlineNote.textContent = "";
      offlineNote.className = "offline";
    }
    if (unreachable && n) {
      panel.dataset.outcome = "offline";
      panel.querySelector(".status-icon").textContent = "⚠";
      panel.querySelector(".status-word").textContent = offlineNote.textContent;
      panel.querySelector(".status-detail").textContent = "";
    }
  }

  // A count in a sentence: the words hold a message's every plural form in the catalog's order, and
  // PLURAL is the catalog's rule (Plural-Forms in fleet/translations/<lang>/LC_MESSAGES/messages.po).
  function counted(forms, n) {
    const form = forms[(PLURAL[lang] || PLURAL.en)(n)] ?? forms[forms.length - 1];
    return form.replace("%(n)s", n);
  }

  window.addEventListener("online", () => pump());

  // The ship mode's open shipment --------------------------------------------------------------------------
  const shipInfo = root.querySelector("#ship-shipment");
  function rememberShipment(school, id) {
    remember(SHIPMENT_KEY + school, String(id));
    showShipment();
  }
  function showShipment() {
    if (!shipInfo) return;
    const id = remembered(SHIPMENT_KEY + station.params.school);
    shipInfo.textContent = id ? words.new_shipment.replace("%(id)s", id) : words.no_shipment;
    root.dataset.shipment = id || "";
  }
  const shipNew = root.querySelector("#ship-new");
  if (shipNew) {
    shipNew.addEventListener("click", () => {
      remember(SHIPMENT_KEY + station.params.school, null);
      showShipment();
      refreshCounts();
    });
  }
  showShipment();

  // Running counts against the expected set -----------------------------------------------------------------
  let counting = false;
  let countAgain = false;
  function placeUrl() {
    const p = station.params;
    switch (station.mode) {
      case "receive": return `${api}/deliveries/${p.delivery}`;
      case "arrive": return `${api}/shipments/${p.shipment}`;
      case "stocktake": return `${api}/stocktakes/${p.stocktake}`;
      case "ship": {
        const id = remembered(SHIPMENT_KEY + p.school);
        return id ? `${api}/shipments/${id}` : null;
      }
      default: return null;
    }
  }

  async function refreshCounts() {
    if (!counts || station.mode === "collect") return; // the collection's count comes with each answer
    if (counting) { countAgain = true; return; }
    counting = true;
    try {
      do {
        countAgain = false;
        const url = placeUrl();
        if (!url) { renderCounts(null); continue; }
        try {
          const response = await fetch(url, { credentials: "same-origin",
                                               headers: { Accept: "application/json", "Accept-Language": lang } });
          if (response.ok) renderCounts((await response.json()).counts);
        } catch {
          // unreachable: the counts stay as they were
        }
      } while (countAgain);
    } finally {
      counting = false;
    }
  }

  function renderCounts(c) {
    const w = words.counts;
    const items = !c ? [] : {
      receive: [["expected", w.expected, c.expected], ["found", w.found, c.found], ["missing", w.missing, c.missing],
                ["unexpected", w.unexpected, c.unexpected]],
      arrive: [["found", w.arrived, `${c.found} / ${c.expected}`], ["missing", w.missing, c.missing],
               ["unexpected", w.unexpected, c.unexpected]],
      stocktake: [["found", w.seen, `${c.found} / ${c.expected}`], ["missing", w.missing, c.missing],
                  ["unexpected", w.unexpected, c.unexpected]],
      ship: [["expected", w.on_shipment, c.expected]],
    }[station.mode] || [];
    counts.replaceChildren(...items.map(([key, label, value]) => {
      const item = document.createElement("div");
      item.className = `count ${key}`;
      const dd = element("dd", "n", String(value));
      dd.dataset.count = key;
      item.append(element("dt", "", label), dd);
      return item;
    }));
  }

  // The collection: the exception for the next scan, and the class's count ------------------------------
  const exception = root.querySelector("#collect-exception");
  const exceptionState = root.querySelector("#exception-state");
  function currentException() {
    if (!exception) return {};
    const checked = exception.querySelector('input[name="exception-condition"]:checked');
    return { condition: checked ? checked.value : "good",
             missing: [...exception.querySelectorAll('input[name="exception-missing"]:checked')].map((c) => c.value) };
  }
  function takeException() {
    const taken = currentException();
    if (exception) {
      exception.querySelector('input[name="exception-condition"][value="good"]').checked = true;
      for (const box of exception.querySelectorAll('input[name="exception-missing"]')) box.checked = false;
      showException();
    }
    return taken;
  }
  function showException() {
    if (!exception) return;
    const e = currentException();
    const set = e.condition !== "good" || e.missing.length;
    exception.classList.toggle("set", Boolean(set));
    exceptionState.textContent = !set ? "" : [words.condition[e.condition],
      e.missing.length ? words.missing_items.replace("%(items)s", e.missing.map((a) => words.accessory[a]).join(", ")) : ""]
      .filter(Boolean).join(" · ");
  }
  if (exception) exception.addEventListener("change", showException);
  function showCollection(c) {
    const dd = counts && counts.querySelector('[data-count="back"]');
    if (!dd) return;
    dd.dataset.back = String(c.back);
    dd.dataset.total = String(c.total);
    dd.textContent = words.back_of.replace("%(back)s", c.back).replace("%(total)s", c.total);
  }

  // Scans left from before (the page was closed while the server was away): shown, and sent first.
  const left = loadQueue();
  for (const scan of left) addRow(scan);
  refreshCounts();
  showWaiting();
  if (left.length) pump();
}
