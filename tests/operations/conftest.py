"""A scratch database per test, migrated by the command as an operator would, and its owner's connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from server.database import connect
from tests.conftest import drop_database, migrated_copy


@pytest.fixture
async def scratch(migrated_template: str) -> AsyncIterator[str]:
    """A database migrated by the command, as an operator would (a copy of the run's `migrated_template`)."""
    url = await migrated_copy(migrated_template, "bangfu_partitions")
    try:
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
