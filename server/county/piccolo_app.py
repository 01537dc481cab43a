"""Piccolo app of the county office's decisions on township lists; its migrations live in migrations/county/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="county",
    migrations_folder_path=str(ROOT / "migrations" / "county"),
    table_classes=table_finder(["server.county.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
