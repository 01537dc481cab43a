"""The one Piccolo app: every table, migrations in the top-level migrations/ folder."""

from piccolo.conf.apps import AppConfig, table_finder

from server.settings import ROOT

TABLE_MODULES = [
    "server.places.tables",
    "server.employers.tables",
    "server.accounts.tables",
    "server.audit.tables",
    "server.households.tables",
    "server.policy.tables",
    "server.once",
]

APP_CONFIG = AppConfig(
    app_name="bangfu",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=table_finder(TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
