/* offline.js: the phone's outbox. A visit recorded without a connection (or whose sending failed) is kept in IndexedDB
   with its client id and its already-shrunk photos, counted in the header ("待上传"), and sent when the connection
   returns (online event, page load, "立即同步", Background Sync, a timer): the visit first without photos, then each
   photo in its own request (to the address the server's answer names). Only an explicit JSON success from Bangfu
   counts as sent. An inspection finding (<form data-outbox-form>) goes through the same outbox, exactly once the same
   way. Plain ES2017, loaded with defer.
   Plain IndexedDB (a few promise helpers below) rather than idb/idb-keyval: two stores and six calls do not earn a
   vendored dependency. */
(function () {
  "use strict";
  var TIMEOUT_MS = 15000;        // a request that takes longer is treated as failed (and retried later: idempotent)
  var RETRY_MS = 30000;          // while visits wait and the phone says it is online
  var SENT_KEY = "bangfu-outbox-sent";
  var NOTICE_KEY = "bangfu-outbox-notice";
  var LOCK = "bangfu-outbox";
  var SYNC_TAG = "bangfu-outbox";
  var ACTION = /^\/households\/\d+\/visits$|^\/checks\/\d+\/findings$/;
  var SAVED_PAGE = /^\/(visits|findings)\/\d+$/;  // where a form sent online lands when the server kept it
  var sending = false;

  // ---------- IndexedDB: store "visits" keyed by client_id, store "photos" keyed by [client_id, index] ----------
  var dbPromise = null;
  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var req = indexedDB.open("bangfu", 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("visits")) db.createObjectStore("visits", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos", { keyPath: ["client_id", "index"] });
      };
      req.onsuccess = function () {
        var db = req.result;
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = function () { dbPromise = null; reject(req.error); };
    });
    return dbPromise;
  }

  // Runs work(stores...) in one transaction; resolves with what work's last request set in `out.value`.
  function inTx(names, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode), out = {};
        t.oncomplete = function () { resolve(out.value); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
        work.apply(null, names.map(function (n) { return t.objectStore(n); }).concat([out]));
      });
    });
  }
  function photoRange(id) { return IDBKeyRange.bound([id, 0], [id, 1000]); }
  function allVisits() {
    return inTx(["visits"], "readonly", function (visits, out) {
      visits.getAll().onsuccess = function (e) { out.value = e.target.result; };
    });
  }
  function saveVisit(item, photos) {
    return inTx(["visits", "photos"], "readwrite", function (visits, store) {
      visits.put(item);
      (photos || []).forEach(function (p) { store.put(p); });
    });
  }
  function updateVisit(id, changes) {
    return inTx(["visits"], "readwrite", function (visits, out) {
      visits.get(id).onsuccess = function (e) {
        var item = e.target.result;
        if (!item) return;
        Object.keys(changes).forEach(function (k) { item[k] = changes[k]; });
        item.updated_at = Date.now();
        visits.put(item);
        out.value = item;
      };
    });
  }
  function photosOf(id) {
    return inTx(["photos"], "readonly", function (store, out) {
      store.getAll(photoRange(id)).onsuccess = function (e) { out.value = e.target.result; };
    });
  }
  function deletePhoto(id, index) {
    return inTx(["photos"], "readwrite", function (store) { store.delete([id, index]); });
  }
  function deleteVisit(id) {
    return inTx(["visits", "photos"], "readwrite", function (visits, store) {
      visits.delete(id);
      store.delete(photoRange(id));
    });
  }

  // ---------- small helpers ----------
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function shanghaiTime(moment) {  // "YYYY-MM-DDTHH:MM" in the app's time zone (the server reads forms in it)
    var parts = {};
    new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(moment)
      .forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }
  function shanghaiNow() { return shanghaiTime(new Date()); }
  function field(fields, name) {
    for (var i = 0; i < fields.length; i++) if (fields[i][0] === name) return fields[i][1];
    return "";
  }
  function has(fields, name) {
    return fields.some(function (kv) { return kv[0] === name; });
  }
  // A visit's time and note, or a finding's.
  function when(fields) { return field(fields, "visited_at") || field(fields, "found_at"); }
  function noteOf(fields) { return field(fields, "note") || field(fields, "description"); }
  function savedPage(item) { return (/findings$/.test(item.action) ? "/findings/" : "/visits/") + item.visit_id; }
  function isVisitForm(form) {
    return form && form.matches && form.matches("form[data-visit-form], form[data-outbox-form]") &&
      !!form.querySelector("input[name=client_id]") &&
      ACTION.test(new URL(form.action, location.href).pathname);
  }
  function sentList() {
    try { return JSON.parse(sessionStorage.getItem(SENT_KEY) || "[]"); } catch (e) { return []; }
  }

  // ---------- putting a form into the queue ----------
  function capture(form) {
    var fields = [], photos = [], id = form.querySelector("input[name=client_id]").value || uuid();
    new FormData(form).forEach(function (value, name) {
      if (name === "_csrf_token" || name === "client_id" || name === "expected_photos") return;
      if (typeof value !== "string") {
        if (name === "photos" && value.size > 0) photos.push(value);
        return;
      }
      fields.push([name, value]);
    });
    var title = document.querySelector("main .page-title");
    var item = {
      client_id: id, action: new URL(form.action, location.href).pathname, fields: fields,
      household: title ? title.textContent.replace(/\s+/g, " ").trim() : "", photo_count: photos.length,
      visit_id: null, status: "waiting", reason: "", conflict: false, attempts: 0,
      created_at: Date.now(), updated_at: Date.now()
    };
    var rows = photos.map(function (blob, index) {
      return { client_id: id, index: index, blob: blob, name: blob.name || "photo-" + (index + 1) + ".jpg", type: blob.type };
    });
    return { item: item, photos: rows };
  }

  function queueForm(form, next) {
    if (form.dataset.queued) return;
    form.dataset.queued = "1";
    var captured = capture(form);
    saveVisit(captured.item, captured.photos).then(function () {
      var box = document.querySelector("[data-outbox]");
      try { sessionStorage.setItem(NOTICE_KEY, "queued"); } catch (e) { /* private mode */ }
      askForBackgroundSync();
      location.assign(next || "/outbox");
      if (box) render();
    }).catch(function () {
      delete form.dataset.queued;
      window.alert("无法保存在手机上，请检查存储空间后再试。");
    });
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync && reg.sync.register) return reg.sync.register(SYNC_TAG);
    }).catch(function () {});
  }

  // Offline at submit: keep it (capture phase, after photos.js: a form still shrinking is held by photos.js).
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!isVisitForm(form) || form.hasAttribute("data-shrinking") || evt.defaultPrevented) return;
    if (navigator.onLine) return;  // htmx sends it; a failure below puts it in the queue
    evt.preventDefault();
    evt.stopImmediatePropagation();
    queueForm(form);
  }, true);

  function visitFormOf(evt) {
    var elt = evt.detail && evt.detail.elt;
    var form = elt && elt.closest ? elt.closest("form") : null;
    return isVisitForm(form) && evt.detail.requestConfig && evt.detail.requestConfig.verb === "post" ? form : null;
  }
  document.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail.elt, form = elt && elt.closest ? elt.closest("form") : null;
    if (isVisitForm(form) && evt.detail.verb === "post") evt.detail.timeout = TIMEOUT_MS;
  });
  // No answer, or too slow: the server may or may not have it; the same client id makes sending it again harmless.
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (evt) {
      var form = visitFormOf(evt);
      if (form) queueForm(form);
    });
  });
  // An answer: only Bangfu's visit page counts as saved; a 5xx or someone else's 200 page (captive portal) does not.
  document.addEventListener("htmx:beforeOnLoad", function (evt) {
    var form = visitFormOf(evt), xhr = evt.detail.xhr;
    if (!form) return;
    var url = new URL(xhr.responseURL || location.href, location.href);
    var ours = url.origin === location.origin && SAVED_PAGE.test(url.pathname) && xhr.getResponseHeader("X-Bangfu-Data-Cache");
    var queue = xhr.status === 401 || xhr.status === 0 || xhr.status >= 500 || (xhr.status < 300 && !ours);
    if (!queue) return;
    evt.preventDefault();
    queueForm(form, xhr.status === 401 ? "/login?next=/outbox" : "/outbox");
  });

  // ---------- sending ----------
  function request(url, body, csrf) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: body ? "POST" : "GET", body: body || undefined, credentials: "same-origin", cache: "no-store",
      headers: csrf ? { "Accept": "application/json", "X-CSRFToken": csrf } : { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      clearTimeout(timer);
      var type = res.headers.get("Content-Type") || "";
      var landed = new URL(res.url || url, location.href);
      var reply = { status: res.status, json: null, html: null };
      if (res.redirected && landed.origin === location.origin && landed.pathname === "/login") {
        reply.login = true;
        return reply;
      }
      var read = /^application\/json/.test(type) ? res.json().then(function (j) { reply.json = j; })
        : /^text\/html/.test(type) ? res.text().then(function (t) { reply.html = t; }) : Promise.resolve();
      return read.then(function () { return reply; }, function () { return reply; });
    }, function () {
      clearTimeout(timer);
      return { status: 0, network: true };
    });
  }

  function success(reply) {
    var j = reply.json;
    return (reply.status === 200 || reply.status === 201) && j && typeof j.status === "string" && typeof j.id === "number" &&
      (j.status === "created" || j.status === "repeated");
  }

  // A refusal the cadre must see (and may fix), with the server's reason; null when it is worth trying again later.
  function refusal(reply) {
    if (reply.status === 409 || (reply.status >= 400 && reply.status < 500 && reply.status !== 408 && reply.status !== 429)) {
      if (reply.json && reply.json.error) return reply.json.error;
      if (reply.html) {
        var doc = new DOMParser().parseFromString(reply.html, "text/html");
        var texts = Array.prototype.map.call(doc.querySelectorAll(".field__error, [data-visit-message], .error-page p"),
          function (el) { return el.textContent.trim(); }).filter(Boolean);
        if (texts.length) return texts.join(" ");
      }
      return "HTTP " + reply.status;
    }
    return null;
  }

  function session() {
    return request("/outbox/session").then(function (reply) {
      if (reply.login) return "login";
      if (reply.status === 200 && reply.json && reply.json.status === "ok" && reply.json.csrf) return reply.json;
      return null;
    });
  }

  function finish(item) {
    var list = sentList().filter(function (s) { return s.client_id !== item.client_id; });
    list.unshift({ client_id: item.client_id, household: item.household, visit_id: item.visit_id,
      page: savedPage(item), visited_at: when(item.fields), photos: item.photo_count, at: Date.now() });
    try { sessionStorage.setItem(SENT_KEY, JSON.stringify(list.slice(0, 50))); } catch (e) { /* private mode */ }
    return deleteVisit(item.client_id).then(function () { return "sent"; });
  }

  function failed(item, reply) {
    if (reply.login) return updateVisit(item.client_id, { status: "login" }).then(function () { return "login"; });
    var reason = refusal(reply);
    if (reason) {
      return updateVisit(item.client_id, { status: "attention", reason: reason, conflict: reply.status === 409 })
        .then(function () { return "attention"; });
    }
    // Bangfu's own word when it gave one (e.g. the photo store is down), else what little is known.
    var why = reply.network ? "network" : (reply.json && reply.json.error) || "HTTP " + reply.status;
    return updateVisit(item.client_id, { status: "waiting", reason: why, attempts: (item.attempts || 0) + 1 })
      .then(function () { return "stop"; });  // no connection or no answer from Bangfu: later
  }

  function sendPhotos(item, csrf) {
    return photosOf(item.client_id).then(function (rows) {
      rows.sort(function (a, b) { return a.index - b.index; });
      var step = function (i) {
        if (i >= rows.length) return finish(item);
        var body = new FormData();
        body.append("photos", rows[i].blob, rows[i].name);
        return request(item.photos_url || "/visits/" + item.visit_id + "/photos", body, csrf).then(function (reply) {
          if (!success(reply)) return failed(item, reply);
          return deletePhoto(item.client_id, rows[i].index).then(function () {
            return reply.json.complete ? finish(item) : step(i + 1);
          });
        });
      };
      return step(0);
    });
  }

  function sendOne(item, csrf) {
    return updateVisit(item.client_id, { status: "sending" }).then(render).then(function () {
      if (item.visit_id) return sendPhotos(item, csrf);
      var body = new FormData();
      item.fields.forEach(function (kv) { body.append(kv[0], kv[1]); });
      body.append("client_id", item.client_id);
      body.append("expected_photos", String(item.photo_count));
      return request(item.action, body, csrf).then(function (reply) {
        if (!success(reply)) return failed(item, reply);
        item.visit_id = reply.json.id;
        item.photos_url = reply.json.photos_url;
        return updateVisit(item.client_id, { visit_id: item.visit_id, photos_url: item.photos_url, reason: "" }).then(function () {
          return reply.json.complete ? finish(item) : sendPhotos(item, csrf);
        });
      });
    }).then(function (outcome) { render(); return outcome; });
  }

  function sendAll() {
    return allVisits().then(function (items) {
      var due = items.filter(function (i) { return i.status !== "attention"; })
        .sort(function (a, b) { return a.created_at - b.created_at; });
      if (!due.length) return null;
      return session().then(function (who) {
        if (who === "login") {
          return Promise.all(due.map(function (i) { return updateVisit(i.client_id, { status: "login" }); }));
        }
        if (!who) return null;
        var next = function (k) {
          if (k >= due.length) return null;
          return sendOne(due[k], who.csrf).then(function (outcome) {
            return outcome === "login" || outcome === "stop" ? null : next(k + 1);
          });
        };
        return next(0);
      });
    });
  }

  // One tab sends at a time (Web Locks where the browser has them; the server's idempotency covers the rest).
  function syncNow() {
    if (sending || !window.indexedDB) return Promise.resolve();
    if (!navigator.onLine) return render();
    sending = true;
    var run = function () { return sendAll().catch(function () {}); };
    var job = navigator.locks && navigator.locks.request
      ? navigator.locks.request(LOCK, { ifAvailable: true }, function (lock) { return lock ? run() : null; })
      : run();
    return Promise.resolve(job).catch(function () {}).then(function () { sending = false; return render(); });
  }

  // ---------- what the cadre sees: the header badge and the outbox page ----------
  function render() {
    if (!window.indexedDB) return Promise.resolve();
    return allVisits().then(function (items) {
      var link = document.querySelector("[data-outbox-link]");
      if (link) {
        link.hidden = items.length === 0;
        link.querySelector("[data-outbox-count]").textContent = String(items.length);
        link.classList.toggle("text-warn", items.some(function (i) { return i.status === "attention" || i.status === "login"; }));
      }
      drawOutbox(items);
      document.documentElement.setAttribute("data-outbox-pending", String(items.length));
    }).catch(function () {});
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function drawOutbox(items) {
    var box = document.querySelector("[data-outbox]");
    if (!box) return;
    var L = box.dataset, list = box.querySelector("[data-outbox-list]");
    drawKept(box);
    if (list.querySelector("[data-editing]")) return;  // do not redraw under the cadre's fingers
    items.sort(function (a, b) { return a.created_at - b.created_at; });
    list.textContent = "";
    items.forEach(function (item) { list.appendChild(itemCell(item, L)); });
    box.querySelector("[data-outbox-empty]").hidden = items.length > 0;
    box.querySelector("[data-outbox-login]").hidden = !items.some(function (i) { return i.status === "login"; });
    var notice = box.querySelector("[data-outbox-notice]");
    var queued = sessionStorage.getItem(NOTICE_KEY) === "queued";
    notice.hidden = !(queued || (!navigator.onLine && items.length));
    notice.textContent = queued ? L.lQueued : L.lOffline;
    var sent = sentList(), sentBox = box.querySelector("[data-outbox-sent]");
    sentBox.textContent = "";
    box.querySelector("[data-outbox-sent-title]").hidden = !sent.length;
    sent.forEach(function (s) {
      var li = el("li", "cell"), body = el("div", "cell__body");
      var title = el("div", "cell__title");
      title.appendChild(document.createTextNode(s.household + " "));
      title.appendChild(el("span", "tag tag--green", L.lSent));
      body.appendChild(title);
      body.appendChild(el("div", "cell__desc", s.visited_at.replace("T", " ") + " · " + L.lPhotos.replace("{n}", s.photos)));
      li.appendChild(body);
      if (s.visit_id) {
        var a = el("a", "btn btn--default btn--small", L.lOpen);
        a.href = s.page || "/visits/" + s.visit_id;
        li.appendChild(a);
      }
      sentBox.appendChild(li);
    });
  }

  // What the service worker kept for work without signal (its KEPT_INFO entry), said on the outbox page.
  function drawKept(box) {
    var line = box.querySelector("[data-kept-summary]");
    if (!line || !window.caches) return;
    caches.keys().then(function (names) {
      var name = names.filter(function (n) { return n.indexOf("bangfu-data-") === 0; })[0];
      return name ? caches.open(name).then(function (c) { return c.match("/offline/kept"); }) : null;
    }).then(function (hit) { return hit ? hit.json() : null; }).then(function (info) {
      if (!info) return;
      var L = line.dataset, mb = function (b) { return (b / 1048576).toFixed(1); };
      var when = shanghaiTime(new Date(info.at)).replace("T", " ");  // as every page writes a time: 2026-12-08 07:58
      var text = L.lKept.replace("{n}", info.households).replace("{mb}", mb(info.bytes)).replace("{max}", mb(info.budget))
        .replace("{time}", when);
      if (info.stopped === "budget") text += " " + L.lBudget;
      if (info.stopped === "storage") text += " " + L.lStorage;
      line.textContent = text;
      line.hidden = false;
      line.classList.toggle("text-warn", info.stopped === "storage");
    }).catch(function () {});
  }

  var TAGS = { waiting: "tag--grey", sending: "tag--orange", attention: "tag--red", login: "tag--orange" };
  function itemCell(item, L) {
    var label = { waiting: L.lWaiting, sending: L.lSending, attention: L.lAttention, login: L.lLogin }[item.status];
    var li = el("li", "cell" + (item.status === "attention" ? " cell--warn" : ""));
    li.setAttribute("data-outbox-item", item.client_id);
    li.setAttribute("data-status", item.status);
    var body = el("div", "cell__body"), title = el("div", "cell__title");
    title.appendChild(document.createTextNode((item.household || item.action) + " "));
    title.appendChild(el("span", "tag " + (TAGS[item.status] || "tag--grey"), label));
    body.appendChild(title);
    var note = noteOf(item.fields);
    body.appendChild(el("div", "cell__desc", when(item.fields).replace("T", " ") + " · " +
      L.lPhotos.replace("{n}", item.photo_count) + (note ? " · " + note.slice(0, 40) : "")));
    if (item.status === "attention") body.appendChild(el("div", "cell__desc text-warn", item.reason));
    else if (item.reason) {
      var why = item.reason === "network" ? L.lNetwork : item.reason;
      body.appendChild(el("div", "cell__desc muted", L.lError.replace("{reason}", why)));
    }
    var actions = el("div", "cell__desc choice-group");
    if (item.status !== "sending") {
      actions.appendChild(button(L.lRetry, "btn btn--default btn--small", "retry", item));
      if (item.status === "attention") actions.appendChild(button(L.lFix, "btn btn--default btn--small", "fix", item));
      actions.appendChild(button(L.lDiscard, "btn btn--warn btn--small", "discard", item));
    }
    body.appendChild(actions);
    li.appendChild(body);
    return li;
  }
  function button(text, className, action, item) {
    var b = el("button", className, text);
    b.type = "button";
    b.setAttribute("data-outbox-action", action);
    b.setAttribute("data-id", item.client_id);
    return b;
  }

  // The fix form: the typed fields the server may refuse (time, next follow-up, texts).
  var EDITABLE = [["visited_at", "datetime-local", "lVisitedAt"], ["found_at", "datetime-local", "lVisitedAt"],
    ["next_follow_up_on", "date", "lNext"], ["note", "textarea", "lNote"], ["description", "textarea", "lNote"],
    ["problems", "textarea", "lProblems"]];
  function editable(item) { return EDITABLE.filter(function (spec) { return has(item.fields, spec[0]); }); }
  function openEditor(li, item, L) {
    var form = el("form", "form");
    form.setAttribute("data-editing", item.client_id);
    editable(item).forEach(function (spec) {
      var wrap = el("label", "field"), input = el(spec[1] === "textarea" ? "textarea" : "input", "field__control");
      wrap.appendChild(el("span", "field__label", L[spec[2]]));
      if (spec[1] !== "textarea") input.type = spec[1];
      input.name = spec[0];
      input.value = field(item.fields, spec[0]);
      wrap.appendChild(input);
      form.appendChild(wrap);
    });
    if (item.conflict) form.appendChild(el("p", "muted", L.lConflictFix));
    var bar = el("div", "form-actions");
    var save = el("button", "btn btn--primary", L.lSave);
    save.type = "submit";
    bar.appendChild(save);
    bar.appendChild(button(L.lCancel, "btn btn--default", "cancel", item));
    form.appendChild(bar);
    li.appendChild(form);
  }

  function saveEdit(form) {
    var id = form.getAttribute("data-editing");
    return inTx(["visits", "photos"], "readwrite", function (visits, photos) {
      visits.get(id).onsuccess = function (e) {
        var item = e.target.result;
        if (!item) return;
        editable(item).forEach(function (spec) {
          var value = form.elements[spec[0]].value, found = false;
          item.fields.forEach(function (kv) { if (kv[0] === spec[0]) { kv[1] = value; found = true; } });
          if (!found) item.fields.push([spec[0], value]);
        });
        if (item.conflict && !item.visit_id) {  // that id is another visit on the server: this one gets its own
          var fresh = uuid();
          photos.getAll(photoRange(id)).onsuccess = function (ev) {
            ev.target.result.forEach(function (p) { p.client_id = fresh; photos.put(p); });
            photos.delete(photoRange(id));
          };
          visits.delete(id);
          item.client_id = fresh;
        }
        item.status = "waiting"; item.reason = ""; item.conflict = false; item.updated_at = Date.now();
        visits.put(item);
      };
    });
  }

  document.addEventListener("click", function (evt) {
    var b = evt.target.closest && evt.target.closest("[data-outbox-action], [data-outbox-sync]");
    if (!b) return;
    var box = b.closest("[data-outbox]");
    if (!box) return;
    evt.preventDefault();
    if (b.hasAttribute("data-outbox-sync")) { syncNow(); return; }
    var id = b.getAttribute("data-id"), action = b.getAttribute("data-outbox-action"), L = box.dataset;
    var li = b.closest("[data-outbox-item]");
    if (action === "retry") updateVisit(id, { status: "waiting", reason: "" }).then(syncNow);
    else if (action === "discard" && window.confirm(L.lConfirmDiscard)) deleteVisit(id).then(render);
    else if (action === "cancel") { var f = li.querySelector("form"); if (f) f.remove(); render(); }
    else if (action === "fix" && li && !li.querySelector("form")) {
      allVisits().then(function (items) {
        var item = items.filter(function (i) { return i.client_id === id; })[0];
        if (item) openEditor(li, item, L);
      });
    }
  });
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form[data-editing]")) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    saveEdit(form).then(function () { form.remove(); return render(); }).then(syncNow);
  }, true);

  // ---------- a visit form opened from the service worker's kept copy gets a new id and the time now ----------
  function initForms(root) {
    if (!document.querySelector("main[data-kept-copy]")) return;
    var forms = root.querySelectorAll ? root.querySelectorAll("form[data-visit-form], form[data-outbox-form]") : [];
    Array.prototype.forEach.call(forms, function (form) {
      if (!isVisitForm(form) || form.querySelector(".field__error")) return;
      form.querySelector("input[name=client_id]").value = uuid();
      var time = form.querySelector("input[name=visited_at], input[name=found_at]");
      if (time) time.value = shanghaiNow();
    });
  }

  // ---------- when to send ----------
  function start() {
    initForms(document);
    render().then(function () {
      try { sessionStorage.removeItem(NOTICE_KEY); } catch (e) { /* private mode */ }
    });
    syncNow();
  }
  window.addEventListener("online", function () { syncNow(); });
  window.addEventListener("offline", function () { render(); });
  document.addEventListener("htmx:afterSettle", function (evt) {  // a boosted page change redrew the header
    if (evt.detail.target === document.body) { initForms(document); render(); }
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (evt) {
      if (evt.data && evt.data.type === "sync") syncNow();
    });
  }
  setInterval(function () {
    if (navigator.onLine && document.documentElement.getAttribute("data-outbox-pending") !== "0") syncNow();
  }, RETRY_MS);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  // For tests and the outbox button: window.bangfuOutbox.sync() sends now; .count() says how many wait.
  window.bangfuOutbox = { sync: syncNow, count: function () { return allVisits().then(function (i) { return i.length; }); } };
})();
