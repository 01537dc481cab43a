/* signature.js: the household confirms a visit on the cadre's phone. The head draws a signature with a finger on a
   canvas; each stroke's end writes the drawing as a PNG data URL into the form's hidden "signature" field, so the
   visit sends it (or the offline queue keeps it) with the rest of the form. The phone-call confirmation shows for a
   call only. Without JavaScript the pad stays hidden and the call fields show. Plain ES2017, loaded with defer. */
(function () {
  "use strict";

  function setUp(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var form = box.closest("form");
    var canvas = box.querySelector("[data-signature-pad]");
    var value = box.querySelector("[data-signature-value]");
    var pad = box.querySelector("[data-signature]");
    var call = box.querySelector("[data-call-confirm]");
    pad.hidden = false;
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;

    function size() {  // one canvas pixel per CSS pixel keeps the PNG small (a few KB)
      var width = Math.max(200, Math.round(canvas.clientWidth));
      if (canvas.width === width) return;
      canvas.width = width;
      canvas.height = Math.round(width * 0.4);
      clear(false);
    }
    function clear(forget) {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.lineWidth = 3;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      drawn = false;
      if (forget) { value.value = ""; value.dispatchEvent(new Event("change", { bubbles: true })); }
      box.classList.remove("is-signed");
    }
    function point(evt) {
      var r = canvas.getBoundingClientRect();
      return [(evt.clientX - r.left) * canvas.width / r.width, (evt.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (evt) {
      evt.preventDefault();
      size();
      drawing = true;
      canvas.setPointerCapture(evt.pointerId);
      var p = point(evt);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      ctx.lineTo(p[0] + 0.1, p[1] + 0.1);
      ctx.stroke();
    });
    canvas.addEventListener("pointermove", function (evt) {
      if (!drawing) return;
      var p = point(evt);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      drawn = true;
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      drawn = true;
      value.value = canvas.toDataURL("image/png");
      value.dispatchEvent(new Event("change", { bubbles: true }));
      box.classList.add("is-signed");
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    box.querySelector("[data-signature-clear]").addEventListener("click", function (evt) {
      evt.preventDefault();
      clear(true);
    });

    function showForKind() {
      var kind = form.querySelector("input[name=kind]:checked");
      var isCall = kind && kind.value === "phone";
      if (call) call.hidden = !isCall;
      pad.hidden = !!isCall;
    }
    form.addEventListener("change", function (evt) { if (evt.target.name === "kind") showForKind(); });
    size();
    if (value.value) {  // shown again after an error, or a draft restored: draw the kept signature back
      var image = new Image();
      image.onload = function () { ctx.drawImage(image, 0, 0, canvas.width, canvas.height); box.classList.add("is-signed"); };
      image.src = value.value;
    }
    showForKind();
  }

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-confirmation]"), setUp);
  }
  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
