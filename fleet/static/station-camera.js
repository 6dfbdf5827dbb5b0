// The scan station's camera (markup: templates/station/camera.html). Reads QR codes and barcodes from
// the camera and hands each to the station as a "fleet:code" event on document, which station.js treats
// like a typed scan; "fleet:camera" ({running}) on document when the camera goes on or off. The browser's own BarcodeDetector when it reads QR codes, else the vendored
// barcode-detector polyfill, whose zxing .wasm is fetched from Fleet (never from its default CDN).
// Rear camera by default; a torch button when the camera has one; after each code a pause, and the same
// code is not read again until it has been out of sight for a while.
//
// Testing hook: "camera=polyfill" in the page's query string ignores a native BarcodeDetector, so the
// polyfill's path can be tested in a browser that has one. #camera's data-detector says which one ran.

const PAUSE_MS = 1500; // after a code is read: the person moves to the next device
const SAME_CODE_MS = 4000; // the same code again only after it was out of sight this long
const FRAME_MS = 120; // between two reads of the picture
const FORMATS = ["qr_code", "code_128", "data_matrix"]; // Fleet's labels: QR; makers' serials: Code 128, Data Matrix
const RUNNING = new Set(["starting", "scanning", "paused"]); // the states in which the camera is on

const panel = document.getElementById("camera");
if (panel) setUp(panel);

function setUp(panel) {
  const toggle = panel.querySelector("#camera-toggle");
  const torch = panel.querySelector("#camera-torch");
  const status = panel.querySelector("#camera-status");
  const view = panel.querySelector("#camera-view");
  const video = panel.querySelector("#camera-video");
  const message = (name) => panel.dataset["msg" + name[0].toUpperCase() + name.slice(1)] || "";
  let stream = null;
  let detector = null;
  let timer = null;
  let pausedUntil = 0;
  const inSight = new Map(); // code → when it was last seen: a code still in sight is not read again

  const say = (name, code) => {
    status.textContent = message(name).replace("{code}", code || "");
  };
  const setState = (state) => {
    const was = RUNNING.has(panel.dataset.state);
    panel.dataset.state = state;
    if (RUNNING.has(state) !== was) {
      // station.js leaves the focus alone while the camera runs (a phone's keyboard would cover the picture)
      document.dispatchEvent(new CustomEvent("fleet:camera", { detail: { running: !was } }));
    }
  };

  let starting = false;
  toggle.addEventListener("click", async () => {
    if (starting) return; // a second press while the browser asks for the camera
    if (stream) return stop("stopped");
    starting = true;
    try {
      await start();
    } finally {
      starting = false;
    }
  });
  torch.addEventListener("click", async () => {
    const on = torch.getAttribute("aria-pressed") !== "true";
    try {
      await stream.getVideoTracks()[0].applyConstraints({ advanced: [{ torch: on }] });
      torch.setAttribute("aria-pressed", String(on));
    } catch {
      torch.hidden = true; // the camera said it had one, then refused: no button rather than a dead one
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && stream) stop("stopped"); // a phone's camera is not left running in the background
  });

  async function start() {
    if (!window.isSecureContext) return fail("insecure");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return fail("unsupported");
    setState("starting");
    toggle.setAttribute("aria-pressed", "true");
    say("starting");
    try {
      detector = detector || (await makeDetector());
    } catch (error) {
      console.error("camera: no barcode reader", error);
      return fail("failed");
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      const reasons = {
        NotAllowedError: "denied", SecurityError: "denied", NotFoundError: "missing",
        OverconstrainedError: "missing", NotReadableError: "busy", AbortError: "busy",
      };
      return fail(reasons[error.name] || "unsupported");
    }
    video.srcObject = stream;
    view.hidden = false;
    try {
      await video.play();
    } catch {
      // muted inline video may play without a gesture; if not, the frames still arrive for reading
    }
    const track = stream.getVideoTracks()[0];
    const capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    torch.hidden = !capabilities.torch;
    torch.setAttribute("aria-pressed", "false");
    setState("scanning");
    say("scanning");
    timer = setTimeout(read, 0);
  }

  function stop(reason) {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    view.hidden = true;
    torch.hidden = true;
    toggle.setAttribute("aria-pressed", "false");
    setState("off");
    say(reason);
  }

  function fail(reason) {
    stop(reason);
    setState("unavailable");
    panel.dataset.reason = reason;
  }

  async function read() {
    const current = stream;
    if (!current) return;
    const now = performance.now();
    if (now >= pausedUntil && video.readyState >= 2) {
      let codes = [];
      try {
        codes = await detector.detect(video);
      } catch (error) {
        console.warn("camera: reading the picture failed", error);
      }
      if (stream !== current) return; // stopped (or stopped and started again) while reading
      const seenAt = performance.now();
      for (const [code, seen] of inSight) if (seenAt - seen > SAME_CODE_MS) inSight.delete(code);
      // A label's QR code first (a maker's barcode beside it is the same device); every code in the
      // picture counts as read with it, so the barcode is not sent as a second scan after the pause.
      const qrFirst = (a, b) => (b.format === "qr_code") - (a.format === "qr_code");
      const values = codes.filter((c) => c.rawValue).sort(qrFirst).map((c) => c.rawValue);
      const fresh = values.find((value) => !inSight.has(value));
      values.forEach((value) => inSight.set(value, seenAt));
      if (fresh) hit(fresh, seenAt);
    }
    timer = setTimeout(read, FRAME_MS);
  }

  function hit(code, at) {
    pausedUntil = at + PAUSE_MS;
    setState("paused");
    say("read", code);
    const current = stream;
    setTimeout(() => {
      if (stream === current) setState("scanning");
    }, PAUSE_MS);
    document.dispatchEvent(new CustomEvent("fleet:code", { detail: { code, source: "camera" } }));
  }

  async function makeDetector() {
    const forcePolyfill = new URLSearchParams(location.search).get("camera") === "polyfill";
    if (!forcePolyfill && "BarcodeDetector" in window) {
      try {
        const supported = await window.BarcodeDetector.getSupportedFormats();
        if (supported.includes("qr_code")) {
          panel.dataset.detector = "native";
          return new window.BarcodeDetector({ formats: FORMATS.filter((f) => supported.includes(f)) });
        }
      } catch {
        // a BarcodeDetector without a working back end (e.g. Linux Chromium's): the polyfill then
      }
    }
    const polyfill = await import(panel.dataset.polyfill);
    const wasm = new URL(panel.dataset.wasm, location.href).href;
    // Fleet's own copy of zxing's reader (the polyfill would fetch it from a CDN): load it now, so a
    // failure shows when the camera starts rather than at the first frame.
    await polyfill.prepareZXingModule({
      overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasm : prefix + path) },
      fireImmediately: true,
    });
    panel.dataset.detector = "polyfill";
    return new polyfill.BarcodeDetector({ formats: FORMATS });
  }
}
