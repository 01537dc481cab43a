"""Piccolo app of the plans area (help plans; the delivered-measures view); migrations in migrations/plans/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="plans",
    migrations_folder_path=str(ROOT / "migrations" / "plans"),
    table_classes=table_finder(["server.plans.tables"], exclude_imported=True),
    migration_dependencies=[
        "server.piccolo_app",
        "server.visits.piccolo_app",
        "server.jobs.piccolo_app",
        "server.projects.piccolo_app",
    ],
    commands=[],
)
