"""Sweeping the photo store: keys no row refers to any more, and temp files a crash left behind (local disk only).

A photo is stored before its visit is saved (the intake must not hold a transaction open), so a visit refused
after its photos were checked, or a phone that never finished sending, leaves keys nobody refers to. Only keys
older than a grace period go: a key written (or written again, which refreshes its time) moments ago may belong
to a visit still being saved. The same code sweeps the local directory and an object-store bucket, through the
Storage interface's listing.

The referenced keys are held in memory: about 130 bytes each, so a county's 3-4 million photos (with thumbnails,
7-8 million keys) take about 1 GB for the few minutes a nightly sweep runs. Beyond that, sweep one fan-out folder
(`ab/`) at a time against an index on the keys.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from server.media.storage import LocalStorage, Storage, StoredObject


@dataclass(frozen=True)
class Sweep:
    files: int
    bytes: int


def stray_objects(storage: Storage, referenced: set[str], older_than_seconds: float) -> Iterator[StoredObject]:
    """Stored keys not in `referenced`, last written more than `older_than_seconds` ago."""
    cutoff = time.time() - older_than_seconds
    return (item for item in storage.list() if item.key not in referenced and item.modified < cutoff)


def sweep(storage: Storage, referenced: set[str], older_than_seconds: float, dry_run: bool = False) -> Sweep:
    """Delete (or, dry, only count) the stray keys; on a local disk also old temp files. Nothing else is touched."""
    files = size = 0
    for item in list(stray_objects(storage, referenced, older_than_seconds)):
        files, size = files + 1, size + item.size
        if not dry_run:
            storage.delete(item.key)
    if isinstance(storage, LocalStorage):
        cutoff = time.time() - older_than_seconds
        for path in list(storage.temp_files()):
            stat = path.stat()
            if stat.st_mtime < cutoff:
                files, size = files + 1, size + stat.st_size
                if not dry_run:
                    path.unlink(missing_ok=True)
    return Sweep(files, size)
