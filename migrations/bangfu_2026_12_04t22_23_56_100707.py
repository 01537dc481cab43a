from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T22:23:56:100707"
VERSION = "1.38.0"
DESCRIPTION = "going live: account units, temporary passwords, village work teams and closing"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="bangfu", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Village",
        tablename="village",
        column_name="closed_on",
        db_column_name="closed_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": None,
            "null": True,
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

    manager.add_column(
        table_class_name="Village",
        tablename="village",
        column_name="has_work_team",
        db_column_name="has_work_team",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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

    manager.add_column(
        table_class_name="User",
        tablename="app_user",
        column_name="must_change_password",
        db_column_name="must_change_password",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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

    manager.add_column(
        table_class_name="User",
        tablename="app_user",
        column_name="unit",
        db_column_name="unit",
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

    # Region codes become the official 12-digit statistical division codes (统计用区划代码): a shorter code an
    # older release stored is padded with zeros (371326 → 371326000000, 371326105 → 371326105000).
    places = ("region", "county", "township", "village")
    add_raw_sql(
        manager,
        forwards=[
            *(f"UPDATE {table} SET code = rpad(code, 12, '0') WHERE length(code) < 12" for table in places),
            *(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_code_has_12_digits CHECK (code ~ '^[0-9]{{12}}$')"
                for table in places
            ),
            "ALTER TABLE village ADD CONSTRAINT village_code_is_under_its_township"
            " CHECK (code !~ '000$')",
        ],
        backwards=[
            *(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_code_has_12_digits" for table in places),
            "ALTER TABLE village DROP CONSTRAINT IF EXISTS village_code_is_under_its_township",
        ],
    )

    return manager
