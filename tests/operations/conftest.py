"""A scratch database per test, migrated by the command as an operator would, and its owner's connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from server.database import connect
from tests.cli.test_cli import bangfu
from tests.conftest import create_database, drop_database


@pytest.fixture
async def scratch(database_server: str) -> AsyncIterator[str]:
    """A database migrated by the command, as an operator would."""
    url = await create_database(database_server, "bangfu_partitions")
    try:
        migrated = bangfu("migrate", env={"DATABASE_URL": url})
        assert migrated.returncode == 0, migrated.stderr
        yield url
    finally:
        await drop_database(url)


@pytest.fixture
async def owner(scratch: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await connect(scratch)
    try:
        yield connection
    finally:
        await connection.close()
