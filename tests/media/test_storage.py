"""The photo store, on the local disk and in an S3-compatible bucket alike, and the private, immutable media response.

The bucket is SeaweedFS started by the test session, or the store BANGFU_TEST_S3_ENDPOINT names.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar, Request, Response, get
from litestar.params import FromPath

from server.media.objects import S3Storage
from server.media.storage import LocalStorage, Storage, media_response


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    store: S3Storage = request.getfixturevalue("bucket")
    return store


def test_a_photo_is_named_by_the_sha256_of_its_bytes_in_fanned_out_folders(storage: Storage) -> None:
    digest = hashlib.sha256(b"photo bytes").hexdigest()
    key = storage.put(b"photo bytes", ".jpg")
    assert key == f"{digest[:2]}/{digest[2:4]}/{digest}.jpg"
    assert storage.exists(key)
    assert storage.get(key) == b"photo bytes"


def test_the_listing_gives_each_key_with_its_size_under_a_prefix(storage: Storage) -> None:
    first, second = storage.put(b"first photo", ".jpg"), storage.put(b"second", ".jpg")
    listed = {item.key: item.size for item in storage.list()}
    assert listed == {first: len(b"first photo"), second: len(b"second")}
    assert [item.key for item in storage.list(first[:3])] == [first]


def test_a_deleted_key_no_longer_exists(storage: Storage) -> None:
    key = storage.put(b"gone soon", ".webp")
    storage.delete(key)
    assert not storage.exists(key)
    with pytest.raises(KeyError):
        storage.get(key)
    storage.delete(key)  # deleting twice is fine


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/cd/../../secret_key", "AB/CD/" + "a" * 64 + ".jpg", ""])
def test_a_key_that_is_not_a_content_hash_is_never_opened(storage: Storage, key: str) -> None:
    assert not storage.exists(key)
    with pytest.raises(KeyError):
        storage.get(key)


def test_only_image_suffixes_are_stored(storage: Storage) -> None:
    with pytest.raises(ValueError, match="suffix"):
        storage.put(b"<script>", ".html")


def test_the_same_bytes_are_written_once_on_disk_and_their_time_refreshed(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = storage.put(b"same", ".jpg")
    path = storage.root / key
    os.utime(path, (1_000_000_000, 1_000_000_000))  # written long ago
    inode = path.stat().st_ino
    assert storage.put(b"same", ".jpg") == key
    assert path.stat().st_ino == inode, "not written again"
    assert path.stat().st_mtime > 1_000_000_000, "so that a media sweep leaves it to the visit being saved"
    assert [path.name for path in storage.root.rglob("*") if path.is_file()] == [Path(key).name]  # no temp files left


def test_objects_live_under_the_configured_prefix_of_the_bucket(bucket: S3Storage) -> None:
    key = bucket.put(b"prefixed", ".jpg")
    names = [
        item.object_name for item in bucket.client.list_objects(bucket.bucket, prefix=bucket.prefix, recursive=True)
    ]
    assert names == [bucket.prefix + key]


def test_a_photo_not_yet_copied_to_the_bucket_is_read_from_the_local_disk(bucket: S3Storage, tmp_path: Path) -> None:
    local = LocalStorage(tmp_path)
    key = local.put(b"still on the disk", ".jpg")
    reading = S3Storage(bucket.settings, fallback=local)
    assert reading.get(key) == b"still on the disk"
    with pytest.raises(KeyError):
        bucket.get(key)


def app_serving(storage: Storage) -> Litestar:
    @get("/media/{key:path}")
    async def show(request: Request[Any, Any, Any], key: FromPath[str]) -> Response[bytes]:
        return await media_response(request, key.lstrip("/"), storage)

    return Litestar([show])


async def test_media_response_is_privately_cached_forever_with_the_right_type(storage: Storage) -> None:
    key = storage.put(b"\xff\xd8\xff fake jpeg", ".jpg")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_serving(storage)), base_url="http://t") as c:
        answer = await c.get(f"/media/{key}")
        again = await c.get(f"/media/{key}", headers={"If-None-Match": answer.headers["etag"]})
    assert answer.status_code == 200
    assert answer.content == b"\xff\xd8\xff fake jpeg"
    assert answer.headers["content-type"] == "image/jpeg"
    assert answer.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert (again.status_code, again.content) == (304, b""), "the browser's copy is still good: nothing is read"


@pytest.mark.parametrize("key", ["ab/cd/" + "ab" + "c" * 62 + ".jpg", "../settings.py"])
async def test_media_response_answers_404_for_unknown_or_malformed_keys(storage: Storage, key: str) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_serving(storage)), base_url="http://t") as c:
        answer = await c.get(f"/media/{key}")
    assert answer.status_code == 404
