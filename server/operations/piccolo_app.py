"""Piccolo app of the history partitioning that needs every other app's tables in place: migrated last.

Visits and their photos are referenced by tables of several apps (monitoring, supervision, plans); partitioning them
re-points those references, so it runs after every app that makes one (a fresh database migrates app by app).
"""

from piccolo.conf.apps import AppConfig

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="history",
    migrations_folder_path=str(ROOT / "migrations" / "history"),
    table_classes=[],
    migration_dependencies=[
        "server.piccolo_app",
        "server.pairing.piccolo_app",
        "server.identification.piccolo_app",
        "server.visits.piccolo_app",
        "server.jobs.piccolo_app",
        "server.projects.piccolo_app",
        "server.audit.piccolo_app",
        "server.monitoring.piccolo_app",
        "server.reports.piccolo_app",
        "server.supervision.piccolo_app",
        "server.plans.piccolo_app",
        "server.exits.piccolo_app",
        "server.county.piccolo_app",
    ],
    commands=[],
)
