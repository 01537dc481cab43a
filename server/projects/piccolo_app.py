"""Piccolo app of the projects area; its migrations live in migrations/projects/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="projects",
    migrations_folder_path=str(ROOT / "migrations" / "projects"),
    table_classes=table_finder(["server.projects.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
