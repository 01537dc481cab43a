/* app.js: Bangfu's tiny page script (service worker, offline flag, busy submit buttons); plain ES2017, loaded with defer. */
(function () {
  "use strict";
  var root = document.documentElement;

  // (a) Service worker: served by the app at /sw.js with "Service-Worker-Allowed: /".
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
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
