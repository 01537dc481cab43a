"""Piccolo app of the supervision area; its migrations live in migrations/supervision/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="supervision",
    migrations_folder_path=str(ROOT / "migrations" / "supervision"),
    table_classes=table_finder(["server.supervision.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app", "server.visits.piccolo_app"],
    commands=[],
)
