"""Figure pages read from a hot standby; writes, and pages that show what was just written, use the primary.

A PostgreSQL 15 primary and a standby made by `pg_basebackup -R` run on loopback. To prove where a page read its
data, the standby's replay is paused: a change made on the primary then shows on primary pages at once, and on
figure pages only after replay goes on.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from server.database import with_database
from tests.helpers import PASSWORD, csrf_token_of
from tests.hosts.conftest import Host, bangfu, start_host
from tests.services import StreamingPair, free_ports, stop_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replicated() -> Iterator[tuple[str, str]]:
    """(primary, standby) URLs of the app database, the demo loaded on the primary and replayed on the standby."""
    pair = StreamingPair()
    try:
        primary, standby = pair.start()
        env = {key: value for key, value in os.environ.items() if not key.startswith("BANGFU_")}
        env["DATABASE_URL"] = with_database(primary, "bangfu")
        asyncio.run(execute(primary, 'CREATE DATABASE "bangfu"'))
        bangfu(env, "migrate")
        bangfu(env, "demo")
        yield with_database(primary, "bangfu"), with_database(standby, "bangfu")
    finally:
        pair.stop()


async def execute(url: str, sql: str, *args: object) -> object:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


def serve(tmp_path: Path, primary: str, standby: str, **settings: str) -> Host:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BANGFU_")}
    env.update(DATABASE_URL=primary, DATABASE_STANDBY_URL=standby, **settings)
    return start_host(env, tmp_path / "host", free_ports(1)[0])


@pytest.fixture
def host(replicated: tuple[str, str], tmp_path: Path) -> Iterator[Host]:
    primary, standby = replicated
    # Replay is paused on purpose below: let the pause not count as lag.
    started = serve(tmp_path, primary, standby, BANGFU_STANDBY_MAX_LAG_SECONDS="3600")
    yield started
    stop_process(started.process, grace=20)


@pytest.fixture
async def replay_paused(replicated: tuple[str, str]) -> AsyncIterator[None]:
    _, standby = replicated
    await execute(standby, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        await execute(standby, "SELECT pg_wal_replay_resume()")


def logged_in(host: Host, username: str) -> httpx.Client:
    client = httpx.Client(base_url=host.url, timeout=30)
    token = csrf_token_of(client.get("/login").text)
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token}).status_code
        == 303
    )
    return client


async def test_the_coverage_page_is_read_from_the_standby_and_a_visit_is_written_to_the_primary(
    replicated: tuple[str, str], host: Host, replay_paused: None
) -> None:
    primary, standby = replicated
    admin, cadre = logged_in(host, "admin"), logged_in(host, "cadre")
    await execute(primary, "UPDATE village SET name = '双河新村' WHERE name = '双河村'")
    assert "双河新村" in admin.get("/places").text, "an admin's own page reads the primary: the change is there"
    coverage = admin.get("/coverage").text
    assert "双河新村" not in coverage, "the figures come from the standby, where the change is not replayed yet"
    assert "双河村" in coverage

    household = int(cadre.get("/").text.split('href="/households/', 1)[1].split('"', 1)[0])
    form = cadre.get(f"/households/{household}/visits/new").text
    fields = {"_csrf_token": csrf_token_of(form), "kind": "phone", "note": "主库写入",
              "client_id": form.split('name="client_id" value="', 1)[1].split('"', 1)[0]}  # fmt: skip
    saved = cadre.post(f"/households/{household}/visits", data=fields)
    assert saved.status_code == 303
    assert "主库写入" in cadre.get(saved.headers["location"]).text, "the cadre sees the visit at once"
    visit_id = int(saved.headers["location"].rsplit("/", 1)[1])
    assert await execute(primary, "SELECT note FROM visit WHERE id = $1", visit_id) == "主库写入"
    assert await execute(standby, "SELECT count(*) FROM visit WHERE id = $1", visit_id) == 0
    readers = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bangfu-figures'"
    assert await execute(standby, readers) >= 1, "the app keeps a pool of figure readers on the standby"

    await execute(standby, "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 20
    while "双河新村" not in admin.get("/coverage").text:
        assert time.monotonic() < deadline, "the standby caught up, so the figures show the change"
        await asyncio.sleep(0.3)
    await execute(primary, "UPDATE village SET name = '双河村' WHERE name = '双河新村'")


def test_figures_are_read_from_the_primary_while_the_standby_is_down(
    replicated: tuple[str, str], tmp_path: Path
) -> None:
    primary, _ = replicated
    [closed] = free_ports(1)
    host = serve(tmp_path, primary, f"postgresql://postgres@127.0.0.1:{closed}/bangfu")
    try:
        admin = logged_in(host, "admin")
        coverage = admin.get("/coverage")
        assert coverage.status_code == 200
        assert "双河村" in coverage.text
    finally:
        stop_process(host.process, grace=20)
