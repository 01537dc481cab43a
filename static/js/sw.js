/* sw.js: Bangfu's service worker (served at /sw.js). Static shell cache-first; pages network-first, and a cadre's own
   pages (the server marks them with X-Bangfu-Offline) kept in "bangfu-data-<user id>" for offline reading: after
   one online login, every paired household's visit form, page and timeline (keepForTheField), within a budget.
   The queue of unsent visits lives in IndexedDB (static/js/offline.js), never here: updating this worker drops nothing. */
"use strict";

// The server fills in the version (a hash of the shell) and the pre-cache list with hashed URLs.
const VERSION = /*VERSION*/"dev";
const STATIC_CACHE = "bangfu-static-" + VERSION;
const DATA_PREFIX = "bangfu-data-"; // one per user, named by the server; wiped at logout and when another user logs in
const USER_HEADER = "X-Bangfu-Data-Cache";
const KEEP_HEADER = "X-Bangfu-Offline";
const KEEPING_HEADER = "X-Bangfu-Keeping"; // sent when keeping pages in the background: the server leaves the flash alone
const OFFLINE_URL = "/offline";
const OUTBOX_URL = "/outbox";
const SYNC_TAG = "bangfu-outbox";
const PAGE_TIMEOUT_MS = 6000; // weak signal: show the kept copy after this long, and refresh it in the background
const PAGES_URL = "/outbox/pages"; // what a cadre needs in the field (every paired household), and the budget
const KEPT_INFO = "/offline/kept"; // an entry of the data cache: what was kept, when, how many bytes, why it stopped
const REFRESH_MS = 10 * 60 * 1000; // kept pages are fetched again at most this often, while online
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
  if (req.method !== "GET") return; // never touch non-GET requests (the queue's POSTs go straight out)
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(req));
  } else if (req.mode === "navigate" || (req.headers.get("HX-Boosted") && !url.pathname.startsWith("/media/"))) {
    event.respondWith(networkFirstPage(event, req, url));
  }
  // anything else (htmx fragments, JSON, /media/, exports...) goes straight to the network, uncached
});

async function cacheFirst(req) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === "basic") cache.put(req, res.clone());
  return res;
}

// The cache key of a page: its URL without "?source=pwa" (the start URL is the home page).
function pageKey(url) {
  const key = new URL(url.href);
  key.searchParams.delete("source");
  key.hash = "";
  return key.href;
}

async function dataCacheNames() {
  return (await caches.keys()).filter((name) => name.startsWith(DATA_PREFIX));
}

async function deleteDataCaches(except) {
  const names = await dataCacheNames();
  await Promise.all(names.filter((name) => name !== except).map((name) => caches.delete(name)));
}

// A kept copy, marked <main data-kept-copy> so the page knows (a visit form then takes a new id and the time now).
async function keptPage(url) {
  for (const name of await dataCacheNames()) {
    const hit = await (await caches.open(name)).match(pageKey(url), { ignoreVary: true });
    if (!hit) continue;
    const html = (await hit.text()).replace('<main id="main"', '<main data-kept-copy id="main"');
    const headers = new Headers(hit.headers); // the CSP and the other security headers stay
    headers.set("X-Bangfu-Kept", "1");
    headers.delete("Content-Length");
    return new Response(html, { status: 200, headers: headers });
  }
  return null;
}

// Keep a page the server marked as this user's offline page; another user's pages go at once.
async function remember(url, res) {
  const name = res.headers.get(USER_HEADER);
  if (res.redirected && new URL(res.url).pathname === "/login") {
    if (new URL(res.url).searchParams.get("logged_out")) await deleteDataCaches(null);
    return;
  }
  if (!name || !name.startsWith(DATA_PREFIX) || res.status !== 200) return;
  await deleteDataCaches(name);
  if (res.headers.get(KEEP_HEADER) !== "keep" || res.redirected) return;
  const cache = await caches.open(name);
  await cache.put(pageKey(url), res);
  await keepForTheField(name, false);
}

// ---------- everything a cadre (or an inspector) needs in the field, after one online login ----------
// The server lists the pages (every paired household's visit form, page and timeline, the most urgent first, plus
// the home, the outbox and the follow-ups due; an inspector's spot checks, each with its finding form) and the
// budget; they are fetched one by one (a weak link is not flooded) and kept in this user's data cache. Pages of
// households no longer paired are dropped. Stops at the budget, or when the phone's storage is full; either is
// recorded in KEPT_INFO for the outbox page to say.
let refreshing = null;

async function keptInfo(cache) {
  const hit = await cache.match(KEPT_INFO);
  try { return hit ? await hit.json() : null; } catch (err) { return null; }
}

function keepHeaders(res) {
  const headers = new Headers(res.headers);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  return headers;
}

async function fetchPlan() {
  const res = await fetch(PAGES_URL, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } });
  if (res.status !== 200 || res.redirected) return null;
  return res.json();
}

async function keepPages(cache, name, plan) {
  const result = { at: Date.now(), pages: 0, households: plan.households, bytes: 0, budget: plan.budget_bytes, stopped: "" };
  for (const path of plan.pages) {
    let res;
    try { res = await fetch(path, { credentials: "same-origin", cache: "no-store", headers: { [KEEPING_HEADER]: "1" } }); }
    catch (err) { result.stopped = "offline"; break; } // the signal went: keep what we have
    if (res.status !== 200 || res.redirected || res.headers.get(KEEP_HEADER) !== "keep" || res.headers.get(USER_HEADER) !== name) continue;
    const body = await res.arrayBuffer();
    if (result.bytes + body.byteLength > plan.budget_bytes) { result.stopped = "budget"; break; }
    try { await cache.put(new URL(path, self.location.origin).href, new Response(body, { status: 200, headers: keepHeaders(res) })); }
    catch (err) { result.stopped = "storage"; break; } // QuotaExceededError: the phone is full
    result.bytes += body.byteLength;
    result.pages += 1;
  }
  return result;
}

async function dropUnlisted(cache, plan) {
  const wanted = new Set(plan.pages.map((path) => new URL(path, self.location.origin).href));
  for (const req of await cache.keys()) {
    if (/^\/households\/\d+/.test(new URL(req.url).pathname) && !wanted.has(pageKey(new URL(req.url)))) await cache.delete(req);
  }
}

async function fresh(name) {
  const info = await keptInfo(await caches.open(name));
  return !!info && Date.now() - info.at < REFRESH_MS;
}

// `name`: the user's data cache when known (a page just kept); null: the plan says whose (a page asked).
function keepForTheField(name, force) {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    if (name && !force && await fresh(name)) return;
    const plan = await fetchPlan().catch(() => null);
    if (!plan || !plan.pages.length || !String(plan.cache).startsWith(DATA_PREFIX) || (name && plan.cache !== name)) return;
    await deleteDataCaches(plan.cache); // another user's pages go at once
    if (!name && !force && await fresh(plan.cache)) return;
    const cache = await caches.open(plan.cache);
    const result = await keepPages(cache, plan.cache, plan);
    if (result.stopped !== "offline") await dropUnlisted(cache, plan);
    try {
      await cache.put(KEPT_INFO, new Response(JSON.stringify(result), { headers: { "Content-Type": "application/json" } }));
    } catch (err) { /* full: the pages kept so far stay */ }
  })().catch(() => {}).then(() => { refreshing = null; });
  return refreshing;
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

async function networkFirstPage(event, req, url) {
  if (url.pathname === "/login" && url.searchParams.get("logged_out")) event.waitUntil(deleteDataCaches(null));
  const network = fetch(req).then((res) => {
    event.waitUntil(remember(url, res.clone()).catch(() => {}));
    return res;
  });
  network.catch(() => {}); // handled below
  try {
    const first = await Promise.race([network, timeout(PAGE_TIMEOUT_MS)]);
    if (first) return first;
    const kept = await keptPage(url); // slow network: the kept copy now, the fresh one cached for next time
    return kept || await network;
  } catch (err) {
    const kept = await keptPage(url);
    if (kept) return kept;
    const offline = await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE });
    return offline || new Response("离线 Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "logout") event.waitUntil(deleteDataCaches(null));
  if (data.type === "refresh-kept") event.waitUntil(keepForTheField(null, false));
});

// Background Sync (Chromium only): ask an open page to send the queue; the pages also send on their own.
self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((clients) => {
    clients.forEach((client) => client.postMessage({ type: "sync" }));
  }));
});
