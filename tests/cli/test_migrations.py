"""Every migration can be undone: all the way back leaves no table of ours, and forwards again rebuilds them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.database import connect
from tests.cli.test_cli import bangfu
from tests.conftest import create_database, drop_database

TABLES = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'"
FUNCTIONS = "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"


@pytest.fixture
async def scratch(database_server: str) -> AsyncIterator[str]:
    url = await create_database(database_server, "bangfu_migrations")
    try:
        yield url
    finally:
        await drop_database(url)


async def counts(url: str) -> tuple[int, int]:
    connection = await connect(url)
    try:
        return int(await connection.fetchval(TABLES)), int(await connection.fetchval(FUNCTIONS))
    finally:
        await connection.close()


async def test_all_migrations_go_back_and_forth(scratch: str) -> None:
    env = {"DATABASE_URL": scratch}
    assert bangfu("migrate", env=env).returncode == 0
    tables, functions = await counts(scratch)
    assert tables > 30
    assert functions >= 4, "the audit and labour force trigger functions"
    back = bangfu("migrate", "--backwards", "all", env=env)
    assert back.returncode == 0, back.stderr
    assert await counts(scratch) == (0, 0)
    assert bangfu("migrate", env=env).returncode == 0
    assert await counts(scratch) == (tables, functions)
