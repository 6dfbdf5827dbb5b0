// The signing form: the signature pad (pointer events: finger, pen, mouse, drawn on a canvas and sent as a PNG
// data URL), the choices that show their own fields (someone else signing; a typed signature), and the check
// that a drawn signature is there before sending. Every word shown comes from the form's data-* attributes, in
// the page's language; a problem is shown in the page's alert region and focus moves to it.
(function () {
  "use strict";
  // The thank-you page: its own address (?done=1) in the bar and in the language switch, so that a reload or
  // another language shows it again (with the download) rather than "the link has been used".
  var done = document.getElementById("done");
  if (done && done.getAttribute("data-again")) {
    var again = done.getAttribute("data-again");
    window.history.replaceState(null, "", again);
    var back = document.querySelector("#language input[name=next]");
    if (back) { back.value = again; }
  }
  var form = document.getElementById("sign-form");
  var pad = document.getElementById("pad");
  if (!form || !pad) { return; }
  var errors = document.getElementById("errors");
  var ctx = pad.getContext("2d");
  var drawing = false, strokes = 0;
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
  function at(e) {
    var r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
  }
  pad.addEventListener("pointerdown", function (e) {
    drawing = true; pad.setPointerCapture(e.pointerId);
    var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
  });
  pad.addEventListener("pointermove", function (e) {
    if (!drawing) { return; }
    var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); strokes += 1;
  });
  function stop() { drawing = false; }
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  document.getElementById("clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, pad.width, pad.height); strokes = 0;
  });

  function checked(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }
  function show() {  // only the fields of the choices made (all of them are there without the script)
    document.getElementById("other-details").hidden = checked("who") !== "other";
    var typed = checked("kind") === "typed";
    document.getElementById("drawn-panel").hidden = typed;
    document.getElementById("typed-panel").hidden = !typed;
  }
  form.addEventListener("change", show);
  show();

  function problem(message, anchor) {
    errors.textContent = "";
    var intro = document.createElement("p"), strong = document.createElement("strong");
    strong.textContent = form.getAttribute("data-not-signed");
    intro.appendChild(strong);
    var list = document.createElement("ul"), item = document.createElement("li"), link = document.createElement("a");
    link.href = "#" + anchor; link.textContent = message;
    item.appendChild(link); list.appendChild(item);
    errors.appendChild(intro); errors.appendChild(list);
    errors.hidden = false;
    errors.focus();
  }
  form.addEventListener("submit", function (e) {
    var field = document.getElementById("signature");
    if (checked("kind") === "typed") { field.value = ""; return; }
    if (strokes < 2) {
      e.preventDefault();
      problem(form.getAttribute("data-no-signature"), "kind-drawn");
      return;
    }
    field.value = pad.toDataURL("image/png");
  });
  if (!errors.hidden) { errors.focus(); }  // the server's answer: its problems read out first
}());
