"""Raw SQL in Piccolo migrations: what Piccolo cannot express (partial indexes, triggers), reversibly."""

from __future__ import annotations

from collections.abc import Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder


def add_raw_sql(manager: MigrationManager, forwards: Sequence[str], backwards: Sequence[str]) -> None:
    """Run each statement of `forwards` when migrating, each of `backwards` when reversing."""

    async def run_forwards() -> None:
        for statement in forwards:
            await engine_finder().run_ddl(statement)  # type: ignore[union-attr]

    async def run_backwards() -> None:
        for statement in backwards:
            await engine_finder().run_ddl(statement)  # type: ignore[union-attr]

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
