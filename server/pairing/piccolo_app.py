"""Piccolo app of the pairing area; its migrations live in migrations/pairing/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="pairing",
    migrations_folder_path=str(ROOT / "migrations" / "pairing"),
    table_classes=table_finder(["server.pairing.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
