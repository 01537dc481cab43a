/* app.js: Bangfu's tiny page script (service worker, offline flag, busy submit buttons); plain ES2017, loaded with defer. */
(function () {
  "use strict";
  var root = document.documentElement;

  // (a) Service worker: served by the app at /sw.js with "Service-Worker-Allowed: /".
  // Online, it keeps a cadre's field pages fresh (every paired household; static/js/sw.js, at most every 10 minutes).
  function keepFresh() {
    if (!navigator.onLine || !navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) reg.active.postMessage({ type: "refresh-kept" });
    }).catch(function () {});
  }
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
      if (document.querySelector("[data-keeps-field-pages]")) keepFresh();
    });
    window.addEventListener("online", function () { if (document.querySelector("[data-keeps-field-pages]")) keepFresh(); });
  }

  // (b) html.is-offline shows .offline-banner.
  function setOffline() { root.classList.toggle("is-offline", !navigator.onLine); }
  window.addEventListener("online", setOffline);
  window.addEventListener("offline", setOffline);
  setOffline();

  // (d) Logout (<form data-logout>): the service worker deletes this user's kept pages (the visit queue stays).
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form[data-logout]")) return;
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "logout" });
  }, true);

  // Print buttons: <button data-print> (no inline onclick under the CSP).
  document.addEventListener("click", function (evt) {
    var button = evt.target && evt.target.closest && evt.target.closest("[data-print]");
    if (button) { evt.preventDefault(); window.print(); }
  });

  // (e) A text with a limit shows how much of it is used once it comes near (80%): "1650/2000", red at the limit.
  var COUNTED = "textarea[maxlength], input[maxlength]:not([type=hidden]):not([type=password])";
  function counterOf(field) {
    var next = field.nextElementSibling;
    if (next && next.classList.contains("field__counter")) return next;
    var counter = document.createElement("p");
    counter.className = "field__counter";
    counter.setAttribute("aria-live", "polite");
    counter.setAttribute("data-counter", "");
    field.insertAdjacentElement("afterend", counter);
    return counter;
  }
  function count(field) {
    var max = Number(field.getAttribute("maxlength")), used = field.value.length;
    if (!max || max < 20) return;  // short codes (ID numbers, phones) need no counter
    var near = used >= max * 0.8;
    var counter = near || (field.nextElementSibling && field.nextElementSibling.matches(".field__counter")) ? counterOf(field) : null;
    if (!counter) return;
    counter.hidden = !near;
    counter.textContent = used + "/" + max;
    counter.classList.toggle("is-over", used >= max);
  }
  document.addEventListener("input", function (evt) {
    if (evt.target.matches && evt.target.matches(COUNTED)) count(evt.target);
  });
  function countAll(root) { Array.prototype.forEach.call((root || document).querySelectorAll(COUNTED), count); }
  document.addEventListener("htmx:load", function (evt) { countAll(evt.detail.elt); });
  countAll(document);

  // (f) At the desk, a link marked data-pane="<id>" opens its page beside the list (list + detail), not instead of it.
  var DESK = window.matchMedia ? window.matchMedia("(min-width: 1024px)") : null;
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("a[data-pane]");
    if (!link || !DESK || !DESK.matches || !window.htmx || evt.ctrlKey || evt.metaKey || evt.shiftKey) return;
    var pane = document.getElementById(link.dataset.pane);
    if (!pane) return;
    evt.preventDefault();
    evt.stopPropagation();
    Array.prototype.forEach.call(document.querySelectorAll(".is-selected"), function (row) { row.classList.remove("is-selected"); });
    var row = link.closest("tr, li");
    if (row) row.classList.add("is-selected");
    window.htmx.ajax("GET", link.href, { target: pane, swap: "innerHTML", select: "#main > *" }).then(function () {
      pane.scrollTop = 0;
      pane.setAttribute("data-pane-url", link.getAttribute("href"));
    });
  }, true);

  // (c) While an htmx request from a form is in flight, disable its submit button(s) and show a spinner.
  function isSubmit(el) {
    return (el.tagName === "BUTTON" && el.type === "submit") || (el.tagName === "INPUT" && el.type === "submit");
  }
  function submitButtons(evt) {
    var elt = evt.detail && evt.detail.elt;
    if (!elt || !elt.tagName) return [];
    if (elt.tagName === "FORM") return Array.prototype.filter.call(elt.elements, isSubmit);
    return isSubmit(elt) ? [elt] : [];  // a submit button with its own hx-post
  }
  document.addEventListener("htmx:beforeRequest", function (evt) {
    submitButtons(evt).forEach(function (b) {
      if (b.disabled) return;
      b.disabled = true;
      if (b.tagName === "BUTTON") b.classList.add("is-loading");  // ::after spinner needs a <button>
      b.setAttribute("aria-busy", "true");
      b.dataset.busy = "1";
    });
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    submitButtons(evt).forEach(function (b) {
      if (b.dataset.busy !== "1") return;
      b.disabled = false;
      b.classList.remove("is-loading");
      b.removeAttribute("aria-busy");
      delete b.dataset.busy;
    });
  });
})();
