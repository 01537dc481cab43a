"""Piccolo app of the identification area (精准识别); its migrations live in migrations/identification/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="identification",
    migrations_folder_path=str(ROOT / "migrations" / "identification"),
    table_classes=table_finder(["server.identification.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
