"""Indexes of the household search: the end of an ID number, and pinyin initials by prefix."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T00:21:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "household search indexes: reversed ID number and initials, compared byte-wise"

# Plain btree (no extension): the last digits of an ID number are the first ones of the reversed number, so a
# suffix search is a range scan; COLLATE "C" makes prefix ranges work whatever the database's collation is.
FORWARDS = [
    'CREATE INDEX member_id_number_reversed ON member ((reverse(id_number) COLLATE "C"))',
    'CREATE INDEX member_initials_prefix ON member ((initials COLLATE "C"))',
]
BACKWARDS = [
    "DROP INDEX IF EXISTS member_initials_prefix",
    "DROP INDEX IF EXISTS member_id_number_reversed",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
