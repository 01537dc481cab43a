"""Piccolo app of the exits area (exit cases, their steps and objections); migrations in migrations/exits/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="exits",
    migrations_folder_path=str(ROOT / "migrations" / "exits"),
    table_classes=table_finder(["server.exits.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
