"""The media sweep takes files no row refers to, once they are old enough, and nothing else."""

from __future__ import annotations

import os
import time
from pathlib import Path

from server.media.storage import LocalStorage
from server.media.sweep import sweep

DAY = 24 * 3600


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_old_file_nobody_refers_to_goes_and_a_referenced_one_stays(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    kept, stray = storage.put(b"kept", ".jpg"), storage.put(b"stray", ".jpg")
    for key in (kept, stray):
        age(tmp_path / key, 2 * DAY)
    result = sweep(storage, {kept}, older_than_seconds=DAY)
    assert (result.files, result.bytes) == (1, len(b"stray"))
    assert storage.exists(kept)
    assert not storage.exists(stray)


def test_a_recent_file_may_belong_to_a_visit_being_saved(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    fresh = storage.put(b"fresh", ".webp")
    assert sweep(storage, set(), older_than_seconds=DAY).files == 0
    assert storage.exists(fresh)


def test_storing_the_same_photo_again_protects_an_old_unreferenced_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = storage.put(b"again", ".jpg")
    age(tmp_path / key, 2 * DAY)
    storage.put(b"again", ".jpg")  # a new visit sends the same photo; its row is not committed yet
    assert sweep(storage, set(), older_than_seconds=DAY).files == 0


def test_old_temp_files_go_and_files_that_are_not_keys_stay(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    (tmp_path / "ab" / "cd").mkdir(parents=True)
    temp = tmp_path / "ab" / "cd" / ".tmp-x1y2"
    temp.write_bytes(b"half a photo")
    notes = tmp_path / "README.txt"
    notes.write_text("kept by the operator")
    for path in (temp, notes):
        age(path, 2 * DAY)
    assert sweep(storage, set(), older_than_seconds=DAY).files == 1
    assert not temp.exists()
    assert notes.exists()


def test_a_dry_run_counts_and_deletes_nothing(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = storage.put(b"stray", ".png")
    age(tmp_path / key, 2 * DAY)
    assert sweep(storage, set(), older_than_seconds=DAY, dry_run=True).files == 1
    assert storage.exists(key)
