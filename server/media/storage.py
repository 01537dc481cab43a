"""Where photos live: a small Storage interface, a content-addressed local directory, the one way to serve a file."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from litestar import Response
from litestar.exceptions import NotFoundException

from server.settings import get_settings

CONTENT_TYPES = {".jpg": "image/jpeg", ".webp": "image/webp", ".png": "image/png"}
# ab/cd/abcd…(64 hex).jpg: nothing else is ever a key, so a key can never climb out of the media directory.
KEY = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})(\.jpg|\.webp|\.png)$")
# Keys never change content (they are its hash): browsers may keep them forever, but only for this user.
CACHE_CONTROL = "private, max-age=31536000, immutable"


class Storage(Protocol):
    """Content-addressed blobs. A key is shared by every upload of the same bytes: delete only unreferenced keys."""

    def put(self, data: bytes, suffix: str) -> str: ...

    def open(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def content_key(data: bytes, suffix: str) -> str:
    if suffix not in CONTENT_TYPES:
        raise ValueError(f"unsupported suffix {suffix!r}")
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}{suffix}"


def is_key(key: str) -> bool:
    return KEY.match(key) is not None


class LocalStorage:
    """Files under one directory, named by the sha256 of their bytes, written atomically (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

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
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
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

    def open(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return is_key(key) and (self.root / key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


@lru_cache(maxsize=1)
def default_storage() -> LocalStorage:
    """$BANGFU_VAR_DIR/media (never under static/: photos are served only through media_response)."""
    return LocalStorage(get_settings().var_dir / "media")


async def media_response(key: str, *, storage: Storage | None = None) -> Response[bytes]:
    """The stored file for `key`; call it only AFTER checking the viewer may see the household. Unknown key → 404."""
    store = storage or default_storage()
    if not is_key(key):
        raise NotFoundException()
    try:
        data = await asyncio.to_thread(store.open, key)
    except KeyError:
        raise NotFoundException() from None
    return Response(
        content=data,
        media_type=CONTENT_TYPES[key[key.rindex(".") :]],
        headers={"Cache-Control": CACHE_CONTROL, "ETag": f'"{key.rsplit("/", 1)[1].split(".")[0]}"'},
    )
