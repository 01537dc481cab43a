"""Full pinyin of every member's name for search (薛永霞 → 'xueyongxia'), filled in for the members already there."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-04T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "member full pinyin for search"

BATCH = 5000


async def fill_in() -> None:
    from server.households.pinyin import full_pinyin

    engine = engine_finder()
    rows = await engine.run_querystring(QueryString("SELECT id, name FROM member ORDER BY id"))
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        await engine.run_querystring(
            QueryString(
                "UPDATE member SET pinyin = u.pinyin FROM unnest({}::int[], {}::varchar[]) AS u(id, pinyin)"
                " WHERE member.id = u.id",
                [row["id"] for row in batch],
                [full_pinyin(row["name"]) for row in batch],
            )
        )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Member",
        tablename="member",
        column_name="pinyin",
        db_column_name="pinyin",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 60,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.add_raw(fill_in)
    return manager
