"""Static asset URLs with content hashes, so browsers may cache them forever; the service worker's shell list."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from urllib.parse import parse_qs

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from server.settings import ROOT

STATIC = ROOT / "static"

# Files every page needs (base.html loads them all); the service worker pre-caches them with /offline.
SHELL_ASSETS = (
    "vendor/htmx-2.0.11.min.js",
    "css/app.css",
    "js/app.js",
    "js/photos.js",
    "js/visits.js",
    "js/signature.js",
    "js/offline.js",
    "manifest.webmanifest",
    "icons/favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
    "icons/apple-touch-icon-180.png",
)


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    digest = hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:10]
    return f"/static/{path}?v={digest}"


@lru_cache(maxsize=1)
def service_worker_source() -> str:
    """sw.js with its version (a hash of the shell) and its pre-cache list filled in."""
    shell = ["/offline", *(static_url(path) for path in SHELL_ASSETS)]
    source = (STATIC / "js" / "sw.js").read_text()
    version = hashlib.sha256((source + "".join(shell)).encode()).hexdigest()[:10]
    return source.replace('/*VERSION*/"dev"', json.dumps(version)).replace("/*SHELL*/[]", json.dumps(shell))


def wanted_version(scope: Scope) -> str | None:
    """The ?v= the page asked for, when it is not the version of the file this host has (a rolling update)."""
    path, query = scope.get("path", ""), scope.get("query_string", b"").decode("latin-1")
    asked = parse_qs(query).get("v", [None])[0]
    if not asked or not path.startswith("/static/"):
        return None
    try:
        current = static_url(path.removeprefix("/static/")).rsplit("=", 1)[1]
    except OSError:
        return None
    return asked if asked != current else None


async def static_version_guard(message: Message, scope: Scope) -> None:
    """A before_send hook: a page rendered by a host with newer files may ask an older host (or the reverse) for
    ?v=<hash> of a file it holds in another version; that answer must not be cached for a year under that URL."""
    if message["type"] == "http.response.start" and message["status"] == 200 and wanted_version(scope):
        MutableScopeHeaders.from_message(message)["Cache-Control"] = "no-cache"
