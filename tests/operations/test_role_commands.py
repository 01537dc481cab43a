"""`bangfu migrate` sets the app role up by itself; `bangfu purge-audit` keeps six months; a superuser app is warned."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator

import asyncpg
import pytest

from server.database import app_role_name, connect, database_name, with_user
from server.settings import ROOT
from tests.browser.conftest import free_port, wait_until_healthy
from tests.cli.test_cli import bangfu
from tests.conftest import create_database, drop_database


@pytest.fixture(scope="module")
async def scratch(database_server: str) -> AsyncIterator[str]:
    """A database migrated by the command, as an operator would."""
    url = await create_database(database_server, "bangfu_roles")
    try:
        migrated = bangfu("migrate", env={"DATABASE_URL": url})
        assert migrated.returncode == 0, migrated.stderr
        assert f"应用角色 {app_role_name(database_name(url))} 已创建并授权" in migrated.stdout
        yield url
    finally:
        await drop_database(url)


async def test_migrate_creates_the_app_role_once_and_says_so(scratch: str) -> None:
    again = bangfu("migrate", env={"DATABASE_URL": scratch})
    assert again.returncode == 0, again.stderr
    assert f"应用角色 {app_role_name(database_name(scratch))} 已授权" in again.stdout
    connection = await connect(scratch)
    try:
        role = await connection.fetchrow(
            "SELECT rolsuper, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = $1",
            app_role_name(database_name(scratch)),
        )
    finally:
        await connection.close()
    assert role is not None
    assert [role["rolcanlogin"], role["rolsuper"], role["rolcreaterole"]] == [True, False, False]


async def add_events(url: str) -> None:
    connection = await connect(url)
    try:
        await connection.execute(
            "INSERT INTO audit_event (at, action, actor_label) VALUES"
            " (now() - interval '200 days', 'login', 'old'), (now() - interval '10 days', 'login', 'recent')"
        )
    finally:
        await connection.close()


async def labels(url: str) -> set[str]:
    connection = await connect(url)
    try:
        return {row["actor_label"] for row in await connection.fetch("SELECT actor_label FROM audit_event")}
    finally:
        await connection.close()


async def test_purge_audit_deletes_only_entries_older_than_183_days(scratch: str) -> None:
    await add_events(scratch)
    dry = bangfu("purge-audit", "--dry-run", env={"DATABASE_URL": scratch})
    assert dry.returncode == 0, dry.stderr
    assert "超过 183 天的审计记录 1 条可删除" in dry.stdout
    assert {"old", "recent"} <= await labels(scratch)
    purged = bangfu("purge-audit", env={"DATABASE_URL": scratch})
    assert purged.returncode == 0, purged.stderr
    assert "1 条已删除" in purged.stdout
    remaining = await labels(scratch)
    assert "old" not in remaining
    assert "recent" in remaining


async def test_even_the_owner_cannot_delete_or_change_an_entry_younger_than_183_days(scratch: str) -> None:
    await add_events(scratch)
    connection = await connect(scratch)
    try:
        for sql in ("DELETE FROM audit_event WHERE actor_label = 'recent'", "UPDATE audit_event SET action = 'x'"):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await connection.execute(sql)
    finally:
        await connection.close()


async def test_the_app_role_cannot_delete_even_an_old_entry(scratch: str) -> None:
    await add_events(scratch)
    app = await asyncpg.connect(with_user(scratch, app_role_name(database_name(scratch)), None))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app.execute("DELETE FROM audit_event WHERE at < now() - interval '183 days'")
    finally:
        await app.close()
    assert "old" in await labels(scratch)


def test_a_superuser_given_to_the_app_is_warned_about_at_start(scratch: str) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": scratch, "BANGFU_APP_DATABASE_URL": scratch}
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    assert "警告: 应用以超级用户 postgres 连接数据库" in stderr
    assert "Traceback" not in stderr
