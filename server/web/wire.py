"""Bytes on the wire: compressed answers (Zstandard, else Brotli, else gzip), static files compressed once, and HEAD
for every GET.

Pages and JSON are compressed per response by Litestar's CompressionMiddleware, with Zstandard put first for the
browsers that accept it (NegotiatedCompression). Static files are not: they never change under a hashed URL, so each
is compressed once, kept in memory, and served as is. Photos and spreadsheets are compressed already and go out
untouched.
"""

from __future__ import annotations

import gzip
import mimetypes
from dataclasses import dataclass, replace
from functools import lru_cache
from io import BytesIO
from typing import Any

import brotli
import zstandard
from litestar import Litestar, Request, Response, get
from litestar.config.compression import CompressionConfig
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.middleware.compression import CompressionMiddleware
from litestar.middleware.compression.facade import CompressionFacade
from litestar.params import FromPath
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.web.assets import STATIC

CHROMIUM_ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Debian's Chromium 156 sends (as Playwright drives it)

# Zstandard's level 3 with a 64 KiB window: a page's bytes 15-25 % above Brotli's at quality 5, for a fifth to a
# seventh of its CPU (docs/performance.md, thirteenth session). Brotli stays for the browsers without Zstandard.
ZSTD_PARAMETERS = zstandard.ZstdCompressionParameters.from_level(3, source_size=64 * 1024)


class ZstdCompression(CompressionFacade):
    """A response compressed as one Zstandard frame (RFC 8878), each body part flushed as Litestar's Brotli does."""

    __slots__ = ("buffer", "stream")
    encoding = "zstd"

    def __init__(self, buffer: BytesIO, compression_encoding: str, config: CompressionConfig) -> None:
        self.buffer = buffer
        self.stream = zstandard.ZstdCompressor(compression_params=ZSTD_PARAMETERS).compressobj()

    def write(self, body: bytes) -> None:
        self.buffer.write(self.stream.compress(body))
        self.buffer.write(self.stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK))

    def close(self) -> None:
        self.buffer.write(self.stream.flush())


class NegotiatedCompression(CompressionMiddleware):
    """Zstandard for the browsers that accept it, else the configured Brotli, else gzip (Litestar's middleware
    offers one codec and gzip). The header is read as Litestar reads it for Brotli: the codec's name in it."""

    def __init__(self, app: ASGIApp, config: CompressionConfig) -> None:
        super().__init__(app, config)
        self.zstd = CompressionMiddleware(
            app, replace(config, backend="zstd", compression_facade=ZstdCompression, gzip_fallback=False)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "zstd" in Headers.from_scope(scope).get("accept-encoding", ""):
            await self.zstd(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


COMPRESSION = CompressionConfig(
    backend="brotli",
    middleware_class=NegotiatedCompression,
    brotli_quality=5,  # fast enough per page on a small server; static files get the best (11) once
    # A 64 KiB window holds a whole page (the largest lists are 40-50 KB), and it lets the encoder use its small
    # hash tables: with the default 4 MiB window each response allocated and zeroed a 1 MiB table, 180 fresh memory
    # pages a request on the cadre's follow-ups (3 with this window), for output within 0.5% of the same size.
    brotli_lgwin=16,
    brotli_gzip_fallback=True,
    gzip_compress_level=6,
    minimum_size=512,
    exclude=["^/static/", "^/media/", r"\.xlsx$"],
)

# A year: static URLs carry a content hash (server.web.assets.static_url), so they never change in place.
STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")


@dataclass(frozen=True)
class StaticFile:
    media_type: str
    identity: bytes
    brotli: bytes | None
    gzip: bytes | None


@lru_cache(maxsize=256)
def static_file(path: str) -> StaticFile:
    """The file under static/ with its Brotli and gzip forms (text types only), read and compressed once."""
    target = (STATIC / path).resolve()
    if not target.is_relative_to(STATIC.resolve()) or not target.is_file():
        raise NotFoundException()
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    content = target.read_bytes()
    if not media_type.startswith(TEXT_TYPES):
        return StaticFile(media_type, content, None, None)
    return StaticFile(media_type, content, brotli.compress(content, quality=11), gzip.compress(content, 9, mtime=0))


def accepted(request: Request[Any, Any, Any]) -> set[str]:
    header = request.headers.get("accept-encoding", "")
    return {part.split(";", 1)[0].strip().lower() for part in header.split(",")}


@get("/static/{path:path}", opt={"exclude_from_auth": True}, include_in_schema=False, sync_to_thread=False)
def static(request: Request[Any, Any, Any], path: FromPath[str]) -> Response[bytes]:
    found = static_file(path.lstrip("/"))
    headers = {"Cache-Control": STATIC_CACHE_CONTROL}
    if found.brotli is None or found.gzip is None:
        return Response(found.identity, media_type=found.media_type, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    encodings = accepted(request)
    if "br" in encodings:
        return Response(found.brotli, media_type=found.media_type, headers={**headers, "Content-Encoding": "br"})
    if "gzip" in encodings:
        return Response(found.gzip, media_type=found.media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(found.identity, media_type=found.media_type, headers=headers)


class Bangfu(Litestar):
    """The app, answering HEAD wherever it answers GET: the same headers, no body (monitors and proxies use it)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] == ScopeType.HTTP and scope["method"] == "HEAD":
            await super().__call__({**scope, "method": "GET"}, receive, _without_body(send))
            return
        await super().__call__(scope, receive, send)


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body"):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return send_head
