"""Piccolo app of the history partitioning that needs every other app's tables in place: migrated last.

Visits and their photos are referenced by tables of several apps (monitoring, supervision, plans); partitioning them
re-points those references, so it runs after every app that makes one (a fresh database migrates app by app).
"""

from piccolo.conf.apps import AppConfig

from server.piccolo_apps import TABLE_APPS
from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="history",
    migrations_folder_path=str(ROOT / "migrations" / "history"),
    table_classes=[],
    migration_dependencies=list(TABLE_APPS),
    commands=[],
)
