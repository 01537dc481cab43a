"""Sweeping the media directory: files no row refers to any more, and temp files a crash left behind.

A photo is stored before its visit is saved (the intake must not hold a transaction open), so a visit refused
after its photos were checked, or a phone that never finished sending, leaves files nobody refers to. Only files
older than a grace period go: a file written (or written again, which refreshes its time) moments ago may belong
to a visit still being saved.

The referenced keys are held in memory: about 130 bytes each, so a county's 3-4 million photos (with thumbnails,
7-8 million keys) take about 1 GB for the few minutes a nightly sweep runs. Beyond that, sweep one fan-out folder
(`ab/cd/`) at a time against an index on the keys.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from server.media.storage import KEY

TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class Sweep:
    files: int
    bytes: int


def stray_files(root: Path, referenced: set[str], older_than_seconds: float) -> Iterator[Path]:
    """Keyed files not in `referenced`, and temp files, last written more than `older_than_seconds` ago."""
    cutoff = time.time() - older_than_seconds
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            key = path.relative_to(root).as_posix()
            stray = name.startswith(TEMP_PREFIX) or (KEY.match(key) is not None and key not in referenced)
            if stray and path.stat().st_mtime < cutoff:
                yield path


def sweep(root: Path, referenced: set[str], older_than_seconds: float, dry_run: bool = False) -> Sweep:
    """Delete (or, dry, only count) the stray files; what else is in the directory is left alone."""
    files = size = 0
    for path in list(stray_files(root, referenced, older_than_seconds)):
        files, size = files + 1, size + path.stat().st_size
        if not dry_run:
            path.unlink(missing_ok=True)
    return Sweep(files, size)
