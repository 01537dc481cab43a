/* photos.js: shrink photos on the phone before upload (<input type="file" data-shrink>), preview them, and show
   htmx upload progress in <progress data-upload-progress>. Plain ES2017, loaded with defer, CSP-safe.
   The shrunk JPEG keeps the original's EXIF (capture time, GPS) with Orientation reset to 1, because the server
   reads those and the canvas has already turned the pixels upright. The server checks everything again.
   Not npm browser-image-compression@2.0.2: 20.5 KB gzipped (more than htmx) for what these lines do, and its
   web-worker mode loads itself from a CDN (importScripts from jsdelivr), which our CSP and no-CDN rule forbid. */
(function () {
  "use strict";
  var EDGE = 1600;                  // long edge sent to the server
  var QUALITY = 0.8;
  var KEEP_BELOW_BYTES = 700 * 1024; // a JPEG this small with a short long edge is sent as it is
  var pending = new WeakMap();      // form -> number of inputs still shrinking

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return viaImg(file); });
    }
    return viaImg(file);
  }

  function viaImg(file) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      var url = URL.createObjectURL(file);
      img.onload = function () { resolve(img); };  // URL kept until the drawing is done; revoked by the caller
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
      img.dataset.url = url;
    });
  }

  function release(picture) {
    if (picture.close) picture.close();
    else if (picture.dataset && picture.dataset.url) URL.revokeObjectURL(picture.dataset.url);
  }

  function toJpeg(picture) {
    var w = picture.width, h = picture.height, scale = Math.min(1, EDGE / Math.max(w, h));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(h * scale));
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";  // transparent PNGs become white, not black
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(picture, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) { return blob ? resolve(blob) : reject(new Error("encode")); }, "image/jpeg", QUALITY);
    });
  }

  // The APP1 "Exif" segment of a JPEG (with Orientation set to 1), or null.
  function exifSegment(buffer) {
    var v = new DataView(buffer), at = 2;
    if (v.byteLength < 4 || v.getUint16(0) !== 0xFFD8) return null;
    while (at + 4 <= v.byteLength && v.getUint8(at) === 0xFF) {
      var marker = v.getUint8(at + 1), length = v.getUint16(at + 2);
      if (marker === 0xDA || at + 2 + length > v.byteLength) return null;  // image data started, or cut off
      if (marker === 0xE1 && length > 16 && v.getUint32(at + 4) === 0x45786966) {  // "Exif"
        var segment = new Uint8Array(buffer.slice(at, at + 2 + length));
        resetOrientation(new DataView(segment.buffer), 10);
        return segment;
      }
      at += 2 + length;
    }
    return null;
  }

  function resetOrientation(v, tiff) {
    var little = v.getUint16(tiff) === 0x4949;
    var ifd = tiff + v.getUint32(tiff + 4, little);
    if (ifd + 2 > v.byteLength) return;
    var count = v.getUint16(ifd, little);
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (entry + 12 > v.byteLength) return;
      if (v.getUint16(entry, little) === 0x0112) v.setUint16(entry + 8, 1, little);
    }
  }

  // Put the original's EXIF right after SOI (and JFIF APP0, if the canvas wrote one).
  function withExif(jpeg, segment) {
    if (!segment) return Promise.resolve(jpeg);
    return jpeg.slice(0, 64).arrayBuffer().then(function (head) {
      var v = new DataView(head), at = 2;
      if (v.getUint16(2) === 0xFFE0) at = 4 + v.getUint16(4);
      return new Blob([jpeg.slice(0, at), segment, jpeg.slice(at)], { type: "image/jpeg" });
    });
  }

  function shrink(file) {
    if (!/^image\//.test(file.type) && file.type !== "") return Promise.resolve(file);
    return Promise.all([decode(file), file.slice(0, 256 * 1024).arrayBuffer()]).then(function (parts) {
      var picture = parts[0];
      var small = Math.max(picture.width, picture.height) <= EDGE;
      if (small && file.size <= KEEP_BELOW_BYTES && /^image\/(jpeg|png|webp)$/.test(file.type)) {
        release(picture);
        return file;
      }
      return toJpeg(picture).then(function (jpeg) {
        release(picture);
        return withExif(jpeg, exifSegment(parts[1]));
      }).then(function (blob) {
        if (blob.size >= file.size && /^image\/(jpeg|png|webp)$/.test(file.type)) return file;
        var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
        return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
      });
    }).catch(function () { return file; });  // e.g. HEIC the browser cannot draw: the server decides
  }

  function previewBox(input) {
    var box = input.form && input.form.querySelector("[data-photo-previews]");
    if (!box) {
      box = document.createElement("div");
      box.className = "photo-previews";
      box.setAttribute("data-photo-previews", "");
      input.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function showPreviews(input, files) {
    var box = previewBox(input);
    Array.prototype.forEach.call(box.querySelectorAll("img"), function (img) { URL.revokeObjectURL(img.src); });
    box.textContent = "";
    files.forEach(function (file) {
      var img = document.createElement("img");
      img.className = "photo-previews__item";
      img.alt = "";
      img.width = 72;
      img.height = 72;
      img.src = URL.createObjectURL(file);
      box.appendChild(img);
    });
  }

  function setFiles(input, files) {
    try {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;  // does not fire "change"
      return true;
    } catch (e) {
      return false;  // old browsers: the originals are sent
    }
  }

  function busy(form, delta) {
    if (!form) return;
    pending.set(form, (pending.get(form) || 0) + delta);
    form.toggleAttribute("data-shrinking", pending.get(form) > 0);
  }

  // ---------- checks before anything is sent (<input type=file data-max-bytes data-file-refused="...{name}...">) ----------
  var SENDABLE_PHOTO = /^image\/(jpeg|png|webp)$/;
  function accepts(input, file) {
    var accept = (input.getAttribute("accept") || "").split(",").map(function (a) { return a.trim().toLowerCase(); });
    if (!accept.length || accept[0] === "") return true;
    var name = (file.name || "").toLowerCase();
    return accept.some(function (a) {
      if (a.charAt(0) === ".") return name.slice(-a.length) === a;
      if (/\/\*$/.test(a)) return (file.type || "").indexOf(a.slice(0, -1)) === 0;
      return file.type === a;
    });
  }
  function refusedMessage(input, names) {
    var box = input.parentNode.querySelector("[data-file-message]");
    if (!box) {
      box = document.createElement("p");
      box.className = "field__error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-file-message", "");
      input.insertAdjacentElement("afterend", box);
    }
    box.textContent = names.map(function (n) { return (input.dataset.fileRefused || "{name}").replace("{name}", n); }).join(" ");
    box.hidden = names.length === 0;
  }
  // Files the server would refuse never leave the phone: a wrong type, too big, or a photo nobody can read.
  function keepSendable(input, files) {
    var max = Number(input.dataset.maxBytes || 0), kept = [], refused = [];
    files.forEach(function (file) {
      var photo = input.hasAttribute("data-shrink");
      var ok = accepts(input, file) && (!max || file.size <= max) && (!photo || SENDABLE_PHOTO.test(file.type));
      (ok ? kept : refused).push(file);
    });
    refusedMessage(input, refused.map(function (f) { return f.name || "?"; }));
    if (refused.length) setFiles(input, kept);
    return kept;
  }
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]:not([data-shrink])") && input.files.length) {
      keepSendable(input, Array.prototype.slice.call(input.files));
    }
  });

  function onChange(evt) {
    var input = evt.target;
    if (!input.matches || !input.matches("input[type=file][data-shrink]") || !input.files.length) return;
    var originals = Array.prototype.slice.call(input.files);
    input.setAttribute("data-shrink-state", "working");
    busy(input.form, 1);
    Promise.all(originals.map(shrink)).then(function (shrunk) {
      var files = keepSendable(input, shrunk);
      setFiles(input, files);
      showPreviews(input, files);
      input.setAttribute("data-shrink-state", "done");
      input.dispatchEvent(new CustomEvent("photos:shrunk", { bubbles: true, detail: { files: files } }));
    }).catch(function () {}).then(function () {  // (no Promise.finally in ES2017)
      busy(input.form, -1);
      var form = input.form;
      if (form && !pending.get(form) && form.dataset.submitWhenShrunk) {
        var submitter = form.querySelector("[data-submitter-pending]");
        delete form.dataset.submitWhenShrunk;
        if (submitter) submitter.removeAttribute("data-submitter-pending");
        form.requestSubmit(submitter || undefined);
      }
    });
  }

  // A submit while photos are still shrinking waits for them (capture phase: before htmx sees it).
  function onSubmit(evt) {
    var form = evt.target;
    if (!pending.get(form)) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    form.dataset.submitWhenShrunk = "1";
    if (evt.submitter) evt.submitter.setAttribute("data-submitter-pending", "");
  }

  function progressOf(evt) {
    var elt = evt.detail && evt.detail.elt ? evt.detail.elt : evt.target;
    var form = elt && elt.closest ? elt.closest("form") : null;
    return form ? form.querySelector("progress[data-upload-progress]") : null;
  }

  document.addEventListener("change", onChange);
  document.addEventListener("submit", onSubmit, true);
  document.addEventListener("htmx:xhr:loadstart", function (evt) {
    var bar = progressOf(evt);
    if (bar) { bar.hidden = false; bar.removeAttribute("value"); }
  });
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var bar = progressOf(evt), d = evt.detail;
    if (bar && d.lengthComputable && d.total > 0) { bar.max = d.total; bar.value = d.loaded; }
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var bar = progressOf(evt);
    if (bar) bar.hidden = true;
  });
})();
