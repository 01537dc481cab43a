"""Backups that restore: demo data → `bangfu backup` → the database and photos wiped → `bangfu restore` → the same
pages, figures and photo bytes. A restore refuses a database that holds data, and a backup that is not whole."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from server.media.storage import LocalStorage
from server.settings import ROOT
from tests.conftest import create_database, drop_database
from tests.helpers import PASSWORD, csrf_token_of, without_tokens
from tests.hosts.conftest import start_host
from tests.integrity.test_every_page import reachable_links
from tests.services import free_ports, stop_process

pytestmark = pytest.mark.slow  # a township's demo, two servers, a dump and a restore: about a minute and a half

NONCE = re.compile(r'nonce="[^"]*"')
# What a page makes new on each request: a new form's submission id, and "now" as a form's default time.
FRESH = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|value="\d{4}-\d\d-\d\dT\d\d:\d\d"')


def bangfu(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )


@pytest.fixture
async def fresh_database(database_server: str) -> AsyncIterator[str]:
    url = await create_database(database_server, "bangfu_backup")
    try:
        yield url
    finally:
        await drop_database(url)


def pages_of(base: str, username: str, limit: int = 30) -> dict[str, str]:
    """The user's home and the first pages it links to, as text (without tokens and nonces that differ per request)."""
    with httpx.Client(base_url=base, timeout=30) as http:
        form = http.get("/login")
        http.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": csrf_token_of(form.text)})
        home = http.get("/")
        paths = ["/", *dict.fromkeys(reachable_links(base + "/", home.text))][:limit]
        pages = {}
        for path in paths:
            answer = http.get(path)
            if "spreadsheetml" in answer.headers.get("content-type", ""):  # an .xlsx: its cells (the zip has a time)
                pages[path] = cells_of(answer.content)
            elif "text" not in answer.headers.get("content-type", ""):
                pages[path] = str(len(answer.content))
            else:
                pages[path] = FRESH.sub("", NONCE.sub("", without_tokens(answer.text)))
        return pages


def cells_of(content: bytes) -> str:
    book = load_workbook(BytesIO(content), read_only=True)
    text = repr([list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets])
    return FRESH.sub("", re.sub(r"datetime\.datetime\([^)]*\)", "", text))


def photos_in(var_dir: Path) -> dict[str, bytes]:
    store = LocalStorage(var_dir / "media")
    return {item.key: store.get(item.key) for item in store.list()}


async def test_a_backup_restored_into_an_empty_database_shows_the_same_pages_figures_and_photos(
    fresh_database: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANGFU_")}
    env.update(DATABASE_URL=fresh_database, BANGFU_VAR_DIR=str(tmp_path / "var"), BANGFU_LOG_FORMAT="json")
    bangfu(env, "migrate")
    bangfu(env, "demo")
    [port] = free_ports(1)
    host = start_host(env, tmp_path / "var", port)
    try:
        before = {user: pages_of(host.url, user) for user in ("admin", "leader", "county")}
    finally:
        stop_process(host.process, grace=20)
    photos_before = photos_in(tmp_path / "var")
    assert len(photos_before) > 20  # the demo's visit and finding photos

    backed_up = bangfu(env, "backup", str(tmp_path / "backup"))
    assert "备份完成" in backed_up.stdout
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["photos"]["count"] == len(photos_before)
    assert manifest["database"]["rows"]["household"] > 500

    await drop_database(fresh_database)  # everything lost: the database server's and the disk's
    await create_database_named(fresh_database)
    shutil.rmtree(tmp_path / "var")

    restored = bangfu(env, "restore", str(tmp_path / "backup"))
    assert "恢复完成" in restored.stdout
    assert f"{manifest['photos']['count']} 张照片" in restored.stdout
    host = start_host(env, tmp_path / "var", port)
    try:
        after = {user: pages_of(host.url, user) for user in ("admin", "leader", "county")}
    finally:
        stop_process(host.process, grace=20)
    assert sum(len(pages) for pages in before.values()) > 40
    for user, pages in before.items():
        for path, text in pages.items():
            if path.startswith("/audit"):  # it lists the logins of this very test, which happened after the backup
                continue
            assert after[user][path] == text, f"{user} {path} differs after the restore"
    assert photos_in(tmp_path / "var") == photos_before

    again = bangfu(env, "restore", str(tmp_path / "backup"), check=False)
    assert again.returncode != 0
    assert "目标不是空的, 未做任何改动" in again.stderr

    damaged = next((tmp_path / "backup" / "photos").rglob("*.*"))
    damaged.write_bytes(b"not the photo")
    refused = bangfu(env, "restore", "--force", str(tmp_path / "backup"), check=False)
    assert refused.returncode != 0
    assert "缺失或已损坏" in refused.stderr


async def create_database_named(url: str) -> None:
    from server.database import connect, database_name, with_database

    connection = await connect(with_database(url, "postgres"))
    try:
        await connection.execute(f'CREATE DATABASE "{database_name(url)}"')
    finally:
        await connection.close()
