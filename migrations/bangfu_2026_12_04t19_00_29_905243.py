from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T19:00:29:905243"
VERSION = "1.38.0"
DESCRIPTION = "township rules and poverty standards live in policy values"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="bangfu", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="PovertyStandard", tablename="poverty_standard", schema=None
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="cadre_quota",
        db_column_name="cadre_quota",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="follow_up_days",
        db_column_name="follow_up_days",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="leader_quota",
        db_column_name="leader_quota",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="minimum_monthly_wage",
        db_column_name="minimum_monthly_wage",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="monitored_follow_up_days",
        db_column_name="monitored_follow_up_days",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="monitoring_margin_percent",
        db_column_name="monitoring_margin_percent",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="quota_maximum",
        db_column_name="quota_maximum",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Township",
        tablename="township",
        column_name="unvisited_alert_days",
        db_column_name="unvisited_alert_days",
        schema=None,
    )

    return manager
