"""Piccolo app of the monitoring area; its migrations live in migrations/monitoring/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="monitoring",
    migrations_folder_path=str(ROOT / "migrations" / "monitoring"),
    table_classes=table_finder(["server.monitoring.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app", "server.visits.piccolo_app"],
    commands=[],
)
