"""`bangfu storage migrate`: copy the photos on the local disk into the object store, verified, resumably.

Resumable by construction: a key already in the bucket with the same size is complete (an S3 PUT appears whole
or not at all, and the store checked the payload's checksum when it was written), so a second run copies only
what is missing. Every copy is verified: the local bytes against their key (the key is their SHA-256), then the
stored object against them (its ETag is their MD5; where a store's ETag is something else, by reading it back).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from server.media.objects import S3Storage
from server.media.storage import LocalStorage, StorageUnavailable, StoredObject, key_matches

FOLDERS = [f"{n:02x}/" for n in range(256)]  # the first fan-out level of the keys
MD5 = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Migration:
    copied: int = 0
    present: int = 0
    bytes: int = 0
    damaged: list[str] = field(default_factory=list)  # local files whose bytes do not match their key
    failed: list[str] = field(default_factory=list)  # copies the store did not confirm

    @property
    def complete(self) -> bool:
        return not self.damaged and not self.failed


def migrate(
    source: LocalStorage,
    target: S3Storage,
    *,
    jobs: int = 8,
    dry_run: bool = False,
    progress: Callable[[str, Migration], None] | None = None,
) -> Migration:
    """Copy every local key the bucket lacks (or holds at another size), verifying each copy."""
    report = Migration()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for folder in FOLDERS:
            for outcome in pool.map(
                lambda item: copy_one(source, target, item, dry_run), missing(source, target, folder, report)
            ):
                tally(report, outcome)
            if progress:
                progress(folder, report)
    return report


def missing(source: LocalStorage, target: S3Storage, folder: str, report: Migration) -> Iterator[StoredObject]:
    """The local keys of one folder the bucket does not hold whole; one listing per folder, not a request per key."""
    stored = {item.key: item.size for item in target.list(folder)}
    for item in source.list(folder):
        if stored.get(item.key) == item.size:
            report.present += 1
        else:
            yield item


def copy_one(source: LocalStorage, target: S3Storage, item: StoredObject, dry_run: bool) -> tuple[str, str, int]:
    """('copied' | 'damaged' | 'failed', key, bytes)."""
    data = source.get(item.key)
    if not key_matches(item.key, data):
        return "damaged", item.key, 0
    if dry_run:
        return "copied", item.key, len(data)
    try:
        stored_key = target.put(data, item.key[item.key.rindex(".") :])
        verified = stored_key == item.key and stored_as(target, item.key, data)
    except StorageUnavailable:
        verified = False
    return ("copied" if verified else "failed"), item.key, len(data)


def stored_as(target: S3Storage, key: str, data: bytes) -> bool:
    etag = target.etag(key)
    if etag is None:
        return False
    if MD5.match(etag):
        return etag == hashlib.md5(data, usedforsecurity=False).hexdigest()
    return key_matches(key, target.get(key))  # multipart or encrypted objects: their ETag is not an MD5


def tally(report: Migration, outcome: tuple[str, str, int]) -> None:
    status, key, size = outcome
    if status == "copied":
        report.copied, report.bytes = report.copied + 1, report.bytes + size
    else:
        (report.damaged if status == "damaged" else report.failed).append(key)


def verify_all(target: S3Storage, progress: Callable[[str, int], None] | None = None) -> list[str]:
    """Read every object back and check it against its key; the keys that do not match."""
    bad = []
    for folder in FOLDERS:
        count = 0
        for item in target.list(folder):
            count += 1
            if not key_matches(item.key, target.get(item.key)):
                bad.append(item.key)
        if progress:
            progress(folder, count)
    return bad
