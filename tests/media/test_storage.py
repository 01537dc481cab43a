"""Content-addressed local storage and the private, immutable media response."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, Response, get
from litestar.params import FromPath

from server.media.storage import LocalStorage, media_response


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def test_a_file_is_named_by_the_sha256_of_its_bytes_in_fanned_out_folders(storage: LocalStorage) -> None:
    digest = hashlib.sha256(b"photo bytes").hexdigest()
    key = storage.put(b"photo bytes", ".jpg")
    assert key == f"{digest[:2]}/{digest[2:4]}/{digest}.jpg"
    assert (storage.root / key).read_bytes() == b"photo bytes"
    assert storage.exists(key)
    assert storage.open(key) == b"photo bytes"


def test_the_same_bytes_are_written_once_and_their_time_refreshed(storage: LocalStorage) -> None:
    key = storage.put(b"same", ".jpg")
    path = storage.root / key
    os.utime(path, (1_000_000_000, 1_000_000_000))  # written long ago
    inode = path.stat().st_ino
    assert storage.put(b"same", ".jpg") == key
    assert path.stat().st_ino == inode, "not written again"
    assert path.stat().st_mtime > 1_000_000_000, "so that a media sweep leaves it to the visit being saved"
    assert [path.name for path in storage.root.rglob("*") if path.is_file()] == [Path(key).name]  # no temp files left


def test_a_deleted_key_no_longer_exists(storage: LocalStorage) -> None:
    key = storage.put(b"gone soon", ".webp")
    storage.delete(key)
    assert not storage.exists(key)
    with pytest.raises(KeyError):
        storage.open(key)
    storage.delete(key)  # deleting twice is fine


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/cd/../../secret_key", "AB/CD/" + "a" * 64 + ".jpg", ""])
def test_a_key_that_is_not_a_content_hash_is_never_opened(storage: LocalStorage, key: str) -> None:
    assert not storage.exists(key)
    with pytest.raises(KeyError):
        storage.open(key)


def test_only_image_suffixes_are_stored(storage: LocalStorage) -> None:
    with pytest.raises(ValueError, match="suffix"):
        storage.put(b"<script>", ".html")


def app_serving(storage: LocalStorage) -> Litestar:
    @get("/media/{key:path}")
    async def show(key: FromPath[str]) -> Response[bytes]:
        return await media_response(key.lstrip("/"), storage=storage)

    return Litestar([show])


async def test_media_response_is_privately_cached_forever_with_the_right_type(storage: LocalStorage) -> None:
    key = storage.put(b"\xff\xd8\xff fake jpeg", ".jpg")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_serving(storage)), base_url="http://t") as c:
        answer = await c.get(f"/media/{key}")
    assert answer.status_code == 200
    assert answer.content == b"\xff\xd8\xff fake jpeg"
    assert answer.headers["content-type"] == "image/jpeg"
    assert answer.headers["cache-control"] == "private, max-age=31536000, immutable"


@pytest.mark.parametrize("key", ["ab/cd/" + "ab" + "c" * 62 + ".jpg", "../settings.py"])
async def test_media_response_answers_404_for_unknown_or_malformed_keys(storage: LocalStorage, key: str) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_serving(storage)), base_url="http://t") as c:
        answer = await c.get(f"/media/{key}")
    assert answer.status_code == 404
