// The signature pad: pointer events (finger, pen, mouse) drawn on a canvas, sent as a PNG data URL.
(function () {
  "use strict";
  var pad = document.getElementById("pad");
  var form = document.getElementById("sign-form");
  if (!pad || !form) { return; }
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
  form.addEventListener("submit", function (e) {
    if (strokes < 2) {
      e.preventDefault();
      alert(form.getAttribute("data-no-signature"));  // the page's own words, in its language
      return;
    }
    document.getElementById("signature").value = pad.toDataURL("image/png");
  });
}());
