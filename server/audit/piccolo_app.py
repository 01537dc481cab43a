"""Piccolo app of the audit search: no tables of its own (audit_event is the foundation's), only its indexes."""

from piccolo.conf.apps import AppConfig

from server.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(ROOT / "migrations" / "audit"),
    table_classes=[],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
