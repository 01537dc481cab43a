from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import SmallInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T00:13:19:816174"
VERSION = "1.38.0"
DESCRIPTION = "township_rules"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="bangfu", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Township",
        tablename="township",
        column_name="cadre_quota",
        db_column_name="cadre_quota",
        column_class_name="SmallInt",
        column_class=SmallInt,
        params={
            "default": 1,
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
        table_class_name="Township",
        tablename="township",
        column_name="follow_up_days",
        db_column_name="follow_up_days",
        column_class_name="SmallInt",
        column_class=SmallInt,
        params={
            "default": 60,
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
        table_class_name="Township",
        tablename="township",
        column_name="leader_quota",
        db_column_name="leader_quota",
        column_class_name="SmallInt",
        column_class=SmallInt,
        params={
            "default": 3,
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
        table_class_name="Township",
        tablename="township",
        column_name="minimum_monthly_wage",
        db_column_name="minimum_monthly_wage",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 1900,
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
        table_class_name="Township",
        tablename="township",
        column_name="monitored_follow_up_days",
        db_column_name="monitored_follow_up_days",
        column_class_name="SmallInt",
        column_class=SmallInt,
        params={
            "default": 30,
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
        table_class_name="Township",
        tablename="township",
        column_name="monitoring_margin_percent",
        db_column_name="monitoring_margin_percent",
        column_class_name="SmallInt",
        column_class=SmallInt,
        params={
            "default": 10,
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
        table_class_name="Township",
        tablename="township",
        column_name="quota_maximum",
        db_column_name="quota_maximum",
        column_class_name="SmallInt",
        column_class=SmallInt,
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
        table_class_name="Township",
        tablename="township",
        column_name="unvisited_alert_days",
        db_column_name="unvisited_alert_days",
        column_class_name="SmallInt",
        column_class=SmallInt,
        params={
            "default": 60,
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

    return manager
