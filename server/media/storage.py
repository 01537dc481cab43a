"""Where photos live: a small Storage interface, a content-addressed local directory, the one way to serve a file.

The interface is what every user of stored photos needs and no more (intake, serving, the sweep, `bangfu storage
migrate`, backups): put by content, get, exists, delete, and list keys under a prefix with their size and time.
The object-store backend (S3 API) is in server.media.objects; `default_storage()` picks one from the settings.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from litestar import Request, Response
from litestar.exceptions import NotFoundException

from server.settings import Settings, get_settings

CONTENT_TYPES = {".jpg": "image/jpeg", ".webp": "image/webp", ".png": "image/png"}
# ab/cd/abcd…(64 hex).jpg: nothing else is ever a key, so a key can never climb out of the media directory.
KEY = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})(\.jpg|\.webp|\.png)$")
# Keys never change content (they are its hash): browsers may keep them forever, but only for this user.
CACHE_CONTROL = "private, max-age=31536000, immutable"
TEMP_PREFIX = ".tmp-"


class StorageUnavailable(RuntimeError):
    """The photo store did not answer in time, or answered with an error: nothing was stored; try again later."""


@dataclass(frozen=True)
class StoredObject:
    """One stored key as a listing shows it."""

    key: str
    size: int
    modified: float  # seconds since the epoch: written, or last written again


@runtime_checkable
class Storage(Protocol):
    """Content-addressed blobs. A key is shared by every upload of the same bytes: delete only unreferenced keys.

    Missing keys raise KeyError; an unreachable or failing store raises StorageUnavailable. Blocking calls: run them
    in a worker thread from async code.
    """

    def put(self, data: bytes, suffix: str) -> str:
        """Store `data` under its content key (writing it again refreshes its time) and return the key."""
        ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove `key`; removing an absent key is fine."""
        ...

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every key starting with `prefix` (e.g. "ab/" for one fan-out folder), in no particular order."""
        ...


def content_key(data: bytes, suffix: str) -> str:
    if suffix not in CONTENT_TYPES:
        raise ValueError(f"unsupported suffix {suffix!r}")
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}{suffix}"


def is_key(key: str) -> bool:
    return KEY.match(key) is not None


def key_matches(key: str, data: bytes) -> bool:
    """The bytes are the ones the key names (the key is their SHA-256): the checksum every copy is verified by."""
    return is_key(key) and content_key(data, key[key.rindex(".") :]) == key


class LocalStorage:
    """Files under one directory, named by the sha256 of their bytes, written atomically (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    def path(self, key: str) -> Path:
        if not is_key(key):
            raise KeyError(key)
        return self.root / key

    def put(self, data: bytes, suffix: str) -> str:
        key = content_key(data, suffix)
        target = self.root / key
        if target.exists():  # same bytes, same key: written once, its time refreshed so no sweep takes it now
            os.utime(target)
            return key
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, target)  # a concurrent writer of the same key renames identical bytes: harmless
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return is_key(key) and (self.root / key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        for path in self._files():
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix) and is_key(key):
                stat = path.stat()
                yield StoredObject(key, stat.st_size, stat.st_mtime)

    def temp_files(self) -> Iterator[Path]:
        """Half-written files a crash left behind (a finished write renames its temp file away)."""
        return (path for path in self._files() if path.name.startswith(TEMP_PREFIX))

    def _files(self) -> Iterator[Path]:
        for directory, _, names in os.walk(self.root):
            for name in names:
                yield Path(directory) / name


def local_media(settings: Settings) -> LocalStorage:
    """$BANGFU_VAR_DIR/media (never under static/: photos are served only through media_response)."""
    return LocalStorage(settings.var_dir / "media")


@lru_cache(maxsize=1)
def default_storage() -> Storage:
    """The configured store: local files (the default), or an S3-compatible bucket when BANGFU_STORAGE=s3."""
    settings = get_settings()
    if settings.s3 is None:
        return local_media(settings)
    from server.media.objects import S3Storage

    local = local_media(settings)  # photos not yet copied by `bangfu storage migrate` are still read from here
    return S3Storage(settings.s3, fallback=local if local.root.is_dir() else None)


def etag_of(key: str) -> str:
    return '"' + key.rsplit("/", 1)[1].split(".")[0] + '"'


async def media_response(request: Request[Any, Any, Any], key: str, storage: Storage) -> Response[bytes]:
    """The stored file for `key`; call it only AFTER checking the viewer may see the household. Unknown key → 404.

    The bytes pass through the app (never a redirect to the store): see README "Photos in object storage".
    A browser that already holds the file gets 304 without the store being asked.
    """
    if not is_key(key):
        raise NotFoundException()
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag_of(key)}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(content=b"", status_code=304, headers=headers)
    try:
        data = await asyncio.to_thread(storage.get, key)
    except KeyError:
        raise NotFoundException() from None
    return Response(content=data, media_type=CONTENT_TYPES[key[key.rindex(".") :]], headers=headers)
