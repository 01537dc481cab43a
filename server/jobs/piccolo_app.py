"""Piccolo app of the jobs area; its migrations live in migrations/jobs/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="jobs",
    migrations_folder_path=str(ROOT / "migrations" / "jobs"),
    table_classes=table_finder(["server.jobs.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
