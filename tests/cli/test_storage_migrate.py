"""`bangfu storage migrate` copies the local photos into the bucket, verified by checksum, and can be run again."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from server.media.objects import S3Storage
from server.media.storage import LocalStorage
from server.media.sweep import sweep
from tests.cli.test_cli import bangfu
from tests.services import s3_environment

PHOTOS = [f"photo {n}".encode() * 50 for n in range(12)]


def local_photos(var_dir: Path) -> tuple[LocalStorage, list[str]]:
    local = LocalStorage(var_dir / "media")
    return local, [local.put(data, ".jpg") for data in PHOTOS]


def environment(var_dir: Path, bucket: S3Storage, switched: bool) -> dict[str, str]:
    env = {**s3_environment(bucket.settings), "BANGFU_VAR_DIR": str(var_dir)}
    if not switched:
        env["BANGFU_STORAGE"] = "local"  # not switched over yet: the bucket is named, the app still writes locally
    return env


def test_every_local_photo_lands_in_the_bucket_verified_and_the_next_step_is_named(
    tmp_path: Path, bucket: S3Storage
) -> None:
    _, keys = local_photos(tmp_path)
    result = bangfu("storage", "migrate", env=environment(tmp_path, bucket, switched=False))
    assert result.returncode == 0, result.stderr
    assert "已复制并校验 (copied) 12 个" in result.stdout
    assert "BANGFU_STORAGE=s3" in result.stdout, "what to do next: switch over"
    assert {item.key for item in bucket.list()} == set(keys)
    assert [bucket.get(key) for key in keys] == PHOTOS


def test_an_interrupted_migration_goes_on_where_it_stopped(tmp_path: Path, bucket: S3Storage) -> None:
    local, keys = local_photos(tmp_path)
    for key in keys[:5]:  # copied before the interruption
        bucket.put(local.get(key), ".jpg")
    result = bangfu("storage", "migrate", "--verify", env=environment(tmp_path, bucket, switched=True))
    assert result.returncode == 0, result.stderr
    assert "已复制并校验 (copied) 7 个" in result.stdout
    assert "已有 (already there) 5 个" in result.stdout
    assert "全部照片已在对象存储中并校验通过" in result.stdout
    again = bangfu("storage", "migrate", env=environment(tmp_path, bucket, switched=True))
    assert "已复制并校验 (copied) 0 个" in again.stdout


def test_a_local_file_damaged_on_disk_is_not_copied_and_the_run_fails(tmp_path: Path, bucket: S3Storage) -> None:
    local, keys = local_photos(tmp_path)
    (local.root / keys[3]).write_bytes(b"bits flipped on an old disk")
    result = bangfu("storage", "migrate", env=environment(tmp_path, bucket, switched=True))
    assert result.returncode == 1
    assert f"本地文件已损坏, 未复制 (damaged locally, not copied): {keys[3]}" in result.stderr
    assert not bucket.exists(keys[3])
    assert len(list(bucket.list())) == 11


def test_a_store_that_cannot_be_reached_is_one_clear_line(tmp_path: Path, bucket: S3Storage) -> None:
    local_photos(tmp_path)
    gone = S3Storage(dataclasses.replace(bucket.settings, endpoint="http://127.0.0.1:1"))
    result = bangfu("storage", "migrate", env=environment(tmp_path, gone, switched=True))
    assert result.returncode == 4
    assert "照片存储无法访问" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_sweep_takes_unreferenced_objects_from_the_bucket_after_the_grace_period(bucket: S3Storage) -> None:
    kept, stray = bucket.put(b"a visit's photo", ".jpg"), bucket.put(b"a refused upload", ".jpg")
    assert sweep(bucket, {kept}, older_than_seconds=3600).files == 0, "written just now: may be a visit being saved"
    result = sweep(bucket, {kept}, older_than_seconds=-60)  # as if the grace period had passed
    assert (result.files, result.bytes) == (1, len(b"a refused upload"))
    assert bucket.exists(kept)
    assert not bucket.exists(stray)


def test_sweep_media_reads_the_bucket_when_photos_live_there(database: str, tmp_path: Path, bucket: S3Storage) -> None:
    bucket.put(b"a photo of a visit never saved", ".jpg")
    env = {**s3_environment(bucket.settings), "DATABASE_URL": database, "BANGFU_VAR_DIR": str(tmp_path)}
    result = bangfu("sweep-media", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "无引用的照片文件 0 个" in result.stdout, "written moments ago: inside the grace period"
    assert os.listdir(tmp_path) == [] or not (tmp_path / "media").exists(), "nothing written to the local disk"
