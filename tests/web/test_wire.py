"""Bytes on the wire: compression as the browser asks for it, static files compressed once, HEAD wherever GET works."""

from __future__ import annotations

import gzip
import re
from io import BytesIO
from typing import Any

import brotli
import zstandard
from litestar.handlers import HTTPRouteHandler

from server.app import create_app
from server.web.assets import static_url
from server.web.wire import CHROMIUM_ACCEPT_ENCODING, COMPRESSION, ZstdCompression, static_file
from tests.helpers import log_in


def unzstd(body: bytes) -> bytes:
    """A Zstandard frame decoded as a browser decodes it: streamed, its size not known in advance."""
    return zstandard.ZstdDecompressor().decompressobj().decompress(body)


def raw(client: Any, path: str, encoding: str) -> Any:
    """A GET whose body httpx leaves as it came over the wire."""
    return client.build_request("GET", path, headers={"Accept-Encoding": encoding})


async def wire_get(client: Any, path: str, encoding: str) -> tuple[Any, bytes]:
    response = await client.send(raw(client, path, encoding), stream=True)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return response, body


async def test_a_page_comes_in_brotli_when_the_browser_accepts_it_else_gzip_else_plain(client: Any) -> None:
    response, body = await wire_get(client, "/login", "gzip, deflate, br")
    assert response.headers["content-encoding"] == "br"
    assert "Accept-Encoding" in response.headers["vary"]
    page = brotli.decompress(body).decode()
    assert "登录" in page
    response, body = await wire_get(client, "/login", "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert "登录" in gzip.decompress(body).decode()
    response, body = await wire_get(client, "/login", "identity")
    assert "content-encoding" not in response.headers
    assert "登录" in body.decode()
    assert len(body) > 2 * len(brotli.compress(body, quality=5))


async def test_a_page_comes_in_zstandard_to_a_browser_that_accepts_it_the_same_page_as_in_brotli(
    client: Any, make_user: Any
) -> None:
    await make_user("admin", username="zstd_admin")
    await log_in(client, "zstd_admin")
    zstd, zstd_body = await wire_get(client, "/households", CHROMIUM_ACCEPT_ENCODING)
    br, br_body = await wire_get(client, "/households", "br, gzip")
    _, plain_body = await wire_get(client, "/households", "identity")
    assert (zstd.headers["content-encoding"], br.headers["content-encoding"]) == ("zstd", "br")
    assert "Accept-Encoding" in zstd.headers["vary"]
    assert int(zstd.headers["content-length"]) == len(zstd_body)
    assert unzstd(zstd_body) == brotli.decompress(br_body) == plain_body
    assert len(zstd_body) * 2 < len(plain_body)


async def test_a_small_answer_and_a_static_file_are_not_compressed_again_for_zstandard(client: Any) -> None:
    ping, body = await wire_get(client, "/ping", CHROMIUM_ACCEPT_ENCODING)
    assert "content-encoding" not in ping.headers, "under the minimum size, as with Brotli"
    assert len(body) < COMPRESSION.minimum_size
    css, body = await wire_get(client, static_url("css/app.css"), CHROMIUM_ACCEPT_ENCODING)
    assert css.headers["content-encoding"] == "br", "static files are served as compressed once, in Brotli"
    assert brotli.decompress(body).startswith(b"/* app.css")


def test_a_streamed_answer_is_one_zstandard_frame_readable_part_by_part() -> None:
    buffer = BytesIO()
    facade = ZstdCompression(buffer, "zstd", COMPRESSION)
    reader = zstandard.ZstdDecompressor().decompressobj()
    parts = [f"<tr><td>农户 {number}</td></tr>" for number in range(300)]
    read = b""
    for part in parts:
        facade.write(part.encode())
        read += reader.decompress(buffer.getvalue())  # each part arrives whole, before the next is written
        buffer.seek(0)
        buffer.truncate()
        assert read.endswith(part.encode())
    facade.close()
    read += reader.decompress(buffer.getvalue())
    assert read.decode() == "".join(parts)


async def test_static_files_are_compressed_once_and_served_from_memory(client: Any) -> None:
    static_file.cache_clear()
    first, first_body = await wire_get(client, static_url("css/app.css"), "br, gzip")
    second, second_body = await wire_get(client, "/static/css/app.css?v=2", "br, gzip")
    assert first.headers["content-encoding"] == second.headers["content-encoding"] == "br"
    assert first_body == second_body
    assert static_file.cache_info().misses == 1, "the file was read and compressed again"
    assert "max-age=31536000" in first.headers["cache-control"]
    assert brotli.decompress(first_body).startswith(b"/* app.css")
    gzipped, body = await wire_get(client, "/static/js/app.js", "gzip")
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"/* app.js")
    png, body = await wire_get(client, "/static/icons/icon-192.png", "br, gzip")
    assert "content-encoding" not in png.headers, "a PNG is compressed already"
    assert body.startswith(b"\x89PNG")


async def test_static_paths_outside_the_folder_are_not_found(client: Any) -> None:
    assert (await client.get("/static/../server/settings.py")).status_code == 404
    assert (await client.get("/static/%2e%2e/pyproject.toml")).status_code == 404
    assert (await client.get("/static/css/nothing.css")).status_code == 404


def get_routes() -> list[str]:
    """Every GET path of the app, with each path parameter filled in by a plausible value."""
    paths = []
    for route in create_app().routes:
        handlers = getattr(route, "route_handlers", [])
        if any(isinstance(h, HTTPRouteHandler) and "GET" in h.http_methods for h in handlers):
            paths.append(re.sub(r"\{[^}:]+:(\w+)\}", lambda m: "css/app.css" if m[1] == "path" else "1", route.path))
    return sorted(set(paths))


async def test_every_get_route_answers_head_like_get_with_no_body(client: Any, make_user: Any) -> None:
    await make_user("admin", username="head_admin")
    await log_in(client, "head_admin")
    different = []
    for path in get_routes():
        head, get = await client.head(path), await client.get(path)
        seen = (head.status_code, head.headers.get("content-type"), head.content)
        if head.status_code == 405 or seen != (get.status_code, get.headers.get("content-type"), b""):
            different.append((path, head.status_code, get.status_code))
    assert different == []


async def test_head_of_the_login_page_answers_200_without_logging_in(client: Any) -> None:
    response = await client.head("/login")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.content == b""
    assert (await client.request("HEAD", "/logout")).status_code == 405, "a POST-only route stays POST-only"
