/* sw.js: Bangfu's generic service worker (served at /sw.js): static shell cache-first, pages network-first with /offline fallback. */
"use strict";

// The server fills in the version (a hash of the shell) and the pre-cache list with hashed URLs.
const VERSION = /*VERSION*/"dev";
const STATIC_CACHE = "bangfu-static-" + VERSION;
const DATA_PREFIX = "bangfu-data-"; // reserved for later; wiped on logout
const OFFLINE_URL = "/offline";
const SHELL = /*SHELL*/[];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith("bangfu-static-") && name !== STATIC_CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return; // never touch non-GET requests
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(req));
  } else if (req.mode === "navigate") {
    event.respondWith(networkFirstPage(req));
  }
  // anything else (htmx fragments, JSON, uploads...) goes straight to the network, uncached
});

async function cacheFirst(req) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === "basic") cache.put(req, res.clone());
  return res;
}

async function networkFirstPage(req) {
  try {
    return await fetch(req); // pages hold personal data: never cached here
  } catch (err) {
    const offline = await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE });
    return offline || new Response("离线 Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "logout") {
    event.waitUntil(
      caches.keys().then((names) => Promise.all(names
        .filter((name) => name.startsWith(DATA_PREFIX))
        .map((name) => caches.delete(name))))
    );
  }
});
