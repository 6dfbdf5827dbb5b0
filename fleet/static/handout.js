// The class hand-out (/desk/handout): the scan field keeps the focus; a scanned laptop code + Enter is
// checked by the server (POST data-check-url) and paired with the chosen pupil or the next one without a
// laptop; a pupil's register id (the pupil's card) or a click on the row chooses the pupil first. The
// pairs are the form's hidden inputs (pupil, device), kept in localStorage by school and class so that a
// reload keeps them; the server judges them again at the commit. No inline script: the CSP forbids it.
(() => {
  "use strict";

  const done = document.getElementById("handout-done");
  if (done) {  // the result page: this sitting's pairs are handed out, forget them
    const key = done.dataset.clearKey;
    if (key) { try { localStorage.removeItem(key); } catch (e) { /* private mode */ } }
    return;
  }
  const form = document.getElementById("handout");
  if (!form) return;

  const scan = document.getElementById("scan");
  const statusLine = document.getElementById("scan-status");
  const alertLine = document.getElementById("scan-alert");
  const targetLine = document.getElementById("target");
  const countLine = document.getElementById("count");
  const pairsBox = document.getElementById("pairs");
  const commit = document.getElementById("commit");
  const key = form.dataset.storageKey;
  const msg = (name, values = {}) =>
    (form.dataset["msg" + name] || "").replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : ""));

  const rows = Array.from(form.querySelectorAll("tr[data-pupil]"));
  const waiting = rows.filter((r) => !r.dataset.lent);
  const byId = new Map(rows.map((r) => [r.dataset.pupil, r]));
  const byRegister = new Map(rows.map((r) => [r.dataset.register.trim().toUpperCase(), r]));

  // pairs: pupil id -> {serial, tag}; custom: pupil id -> {accessories: [...], language}
  let state = { pairs: {}, custom: {}, chosen: null, accessories: null, language: null, copies: false };

  function save() {
    state.accessories = classAccessories();
    state.language = (form.querySelector("input[name=language]:checked") || {}).value || "lv";
    state.copies = document.getElementById("copies").checked;
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode: no memory */ }
  }

  function classAccessories() {
    return Array.from(form.querySelectorAll("input[data-class-accessory]:checked")).map((c) => c.value);
  }

  function ownInputs(row) {
    return {
      boxes: Array.from(row.querySelectorAll("input[data-own-accessory]")),
      language: row.querySelector("select[data-own-language]"),
      flag: row.querySelector("input[name^=custom-]"),
    };
  }

  function nextTarget() {
    if (state.chosen && !state.pairs[state.chosen] && byId.has(state.chosen)) return byId.get(state.chosen);
    return waiting.find((r) => !state.pairs[r.dataset.pupil]) || null;
  }

  function say(text) {
    alertLine.hidden = true;
    alertLine.textContent = "";
    statusLine.textContent = text;
  }

  function refuse(text, code) {
    statusLine.textContent = "";
    alertLine.textContent = code ? `${text} [${code}]` : text;
    alertLine.dataset.code = code || "";
    alertLine.hidden = false;
  }

  function render() {
    pairsBox.textContent = "";
    let paired = 0;
    for (const row of rows) {
      if (row.dataset.lent) continue;
      const id = row.dataset.pupil;
      const pair = state.pairs[id];
      const cell = row.querySelector(".pair");
      cell.textContent = "";
      if (pair) {
        for (const part of [pair.serial, pair.tag].filter(Boolean)) {
          const span = document.createElement("span");
          span.textContent = part;
          cell.appendChild(span);
        }
      }
      row.classList.toggle("paired", !!pair);
      row.classList.toggle("chosen", state.chosen === id && !pair);
      const choose = row.querySelector(".choose");
      choose.hidden = !!pair;
      choose.setAttribute("aria-pressed", String(state.chosen === id && !pair));
      row.querySelector(".undo").hidden = !pair;
      if (pair) {
        paired += 1;
        for (const [name, value] of [["pupil", id], ["device", pair.serial]]) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          pairsBox.appendChild(input);
        }
      }
      const own = ownInputs(row);
      const custom = state.custom[id];
      own.flag.disabled = !custom;
      const wanted = custom ? custom.accessories : classAccessories();
      own.boxes.forEach((b) => { b.checked = wanted.includes(b.value); });
      own.language.value = custom ? custom.language || "" : "";
      row.querySelector("details.own").classList.toggle("custom", !!custom);
    }
    const target = nextTarget();
    targetLine.textContent = target ? msg("Next", { name: target.dataset.name }) : msg("None");
    countLine.textContent = msg("Count", { paired, waiting: waiting.length });
    commit.textContent = msg("Commit", { count: paired });
  }

  function choose(row) {
    if (row.dataset.lent) { refuse(msg("Lent", { name: row.dataset.name }), "conflict"); return; }
    const id = row.dataset.pupil;
    if (state.pairs[id]) { refuse(msg("Lent", { name: row.dataset.name }), "duplicate"); return; }
    state.chosen = state.chosen === id ? null : id;
    save();
    render();
    if (state.chosen) say(msg("Chosen", { name: row.dataset.name }));
  }

  let queue = Promise.resolve();  // scans one after another: a fast scanner's next scan sees the last pair

  async function check(code) {
    const pupilRow = byRegister.get(code.toUpperCase());
    if (pupilRow) { choose(pupilRow); return; }
    const target = nextTarget();
    if (!target) { refuse(msg("NoneLeft"), "conflict"); return; }
    const body = new FormData();
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.append("school", form.dataset.school);
    body.append("code", code);
    body.append("pupil", target.dataset.pupil);
    Object.values(state.pairs).forEach((p) => body.append("paired", p.serial));
    let answer;
    try {
      const response = await fetch(form.dataset.checkUrl, { method: "POST", body, credentials: "same-origin" });
      const html = new DOMParser().parseFromString(await response.text(), "text/html");
      const found = html.querySelector("#check");
      if (!response.ok || !found) {
        const code = found ? found.dataset.code : (html.querySelector("[data-code]") || { dataset: {} }).dataset.code;
        const text = found ? found.textContent : (html.querySelector("#error, #refusal, h1") || {}).textContent;
        refuse((text || msg("Offline")).replace(/\s*\[[a-z_]+\]\s*$/, "").trim(), code || String(response.status));
        return;
      }
      answer = { serial: found.dataset.serial, tag: found.dataset.tag };
    } catch (e) {
      refuse(msg("Offline"), "unavailable");
      return;
    }
    const id = target.dataset.pupil;
    state.pairs[id] = { serial: answer.serial, tag: answer.tag };
    if (state.chosen === id) state.chosen = null;
    save();
    render();
    say(msg("Paired", { serial: answer.serial, name: target.dataset.name }));
    target.classList.add("just");
    setTimeout(() => target.classList.remove("just"), 1200);
  }

  function submitScan() {
    const code = scan.value.trim();
    scan.value = "";
    if (!code) return;
    queue = queue.then(() => check(code));
  }

  scan.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();  // never submits the form: the commit is its own button
      submitScan();
    }
  });
  document.getElementById("scan-go").addEventListener("click", () => { submitScan(); scan.focus(); });

  form.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-pupil]");
    if (!row) return;
    if (event.target.closest(".undo")) {
      delete state.pairs[row.dataset.pupil];
      save();
      render();
      say(msg("Undone", { name: row.dataset.name }));
      scan.focus();
    } else if (event.target.closest(".choose") || !event.target.closest("details, a, input, select, label, button")) {
      choose(row);
      scan.focus();
    }
  });

  form.addEventListener("change", (event) => {
    const row = event.target.closest("tr[data-pupil]");
    if (row && (event.target.matches("[data-own-accessory]") || event.target.matches("[data-own-language]"))) {
      const own = ownInputs(row);
      state.custom[row.dataset.pupil] = {
        accessories: own.boxes.filter((b) => b.checked).map((b) => b.value),
        language: own.language.value,
      };
    }
    save();
    render();
  });

  document.getElementById("start-over").addEventListener("click", () => {
    state = { pairs: {}, custom: {}, chosen: null };
    try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
    render();
    say("");
    scan.focus();
  });

  // A scanner "types" wherever the focus is: a character typed outside a text field (on the page, a
  // button, a tick box after Tab) goes to the scan field; Space still presses the button or ticks the box.
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1 || event.key === " ") return;
    if (t === scan || (t.matches && t.matches("select, textarea, input:not([type=checkbox]):not([type=radio])"))) {
      return;
    }
    scan.focus();
  });

  // What this browser kept for this class (a reload, a closed tab): restored; the server judges it again.
  try {
    const kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && kept.pairs) {
      for (const [id, pair] of Object.entries(kept.pairs)) {
        const row = byId.get(id);
        if (row && !row.dataset.lent && pair && pair.serial) state.pairs[id] = pair;
      }
      for (const [id, custom] of Object.entries(kept.custom || {})) if (byId.has(id)) state.custom[id] = custom;
      if (Array.isArray(kept.accessories)) {
        form.querySelectorAll("input[data-class-accessory]").forEach((c) => { c.checked = kept.accessories.includes(c.value); });
      }
      if (kept.language) {
        const radio = form.querySelector(`input[name=language][value="${kept.language === "en" ? "en" : "lv"}"]`);
        if (radio) radio.checked = true;
      }
      document.getElementById("copies").checked = !!kept.copies;
      const count = Object.keys(state.pairs).length;
      if (count) say(msg("Restored", { count }));
    }
  } catch (e) { /* nothing kept, or not readable */ }
  render();
  scan.focus();
})();
