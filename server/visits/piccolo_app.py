"""Piccolo app of the visits area; its migrations live in migrations/visits/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="visits",
    migrations_folder_path=str(ROOT / "migrations" / "visits"),
    table_classes=table_finder(["server.visits.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app", "server.pairing.piccolo_app"],
    commands=[],
)
