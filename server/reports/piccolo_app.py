"""Piccolo app of the reports area; its migrations live in migrations/reports/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=str(ROOT / "migrations" / "reports"),
    table_classes=table_finder(["server.reports.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app", "server.pairing.piccolo_app", "server.monitoring.piccolo_app"],
    commands=[],
)
