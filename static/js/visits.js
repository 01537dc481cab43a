/* visits.js: the visit form's small helpers: the place from the browser (evidence, never a gate), more measure
   rows, and showing a 409 answer (the same form sent with other content). Plain ES2017, loaded with defer. */
(function () {
  "use strict";

  function fillPlace(form) {
    var status = form.querySelector("[data-place-status]");
    var lat = form.querySelector("[data-place=latitude]");
    if (!lat || lat.value || !navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      lat.value = c.latitude.toFixed(6);
      form.querySelector("[data-place=longitude]").value = c.longitude.toFixed(6);
      form.querySelector("[data-place=accuracy]").value = Math.round(c.accuracy);
      if (status) status.textContent = status.dataset.ok.replace("{m}", Math.round(c.accuracy));
    }, function () {
      if (status) status.textContent = status.dataset.off;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 120000 });
  }

  function addMeasureRow(button) {
    var rows = button.closest("[data-measures]").querySelectorAll("[data-measure-row]");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("input, select"), function (el) { el.value = ""; });
    last.insertAdjacentElement("afterend", copy);
    copy.querySelector("select").focus();
  }

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-visit-form]"), function (form) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-add-measure]"), function (b) { b.hidden = false; });
      fillPlace(form);
    });
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-add-measure]");
    if (button) { evt.preventDefault(); addMeasureRow(button); }
  });
  // htmx does not swap 4xx answers by default: a conflict page must be seen, not lost.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var elt = evt.detail.elt;
    if (evt.detail.xhr.status === 409 && elt && elt.closest && (elt.closest("form[data-visit-form]") || elt.tagName === "BODY")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
