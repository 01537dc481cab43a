from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T19:00:40:623586"
VERSION = "1.38.0"
DESCRIPTION = "identification rules are policy values"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="identification", description=DESCRIPTION
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="key_incidence_percent",
        db_column_name="key_incidence_percent",
        schema=None,
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="notice_days",
        db_column_name="notice_days",
        schema=None,
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="other_incidence_percent",
        db_column_name="other_incidence_percent",
        schema=None,
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="representatives_min",
        db_column_name="representatives_min",
        schema=None,
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="representatives_min_large",
        db_column_name="representatives_min_large",
        schema=None,
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="survey_team_max",
        db_column_name="survey_team_max",
        schema=None,
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="survey_team_min",
        db_column_name="survey_team_min",
        schema=None,
    )

    manager.drop_column(
        table_class_name="IdentificationSettings",
        tablename="identification_settings",
        column_name="survey_team_min_large",
        db_column_name="survey_team_min_large",
        schema=None,
    )

    return manager
