"""Piccolo's configuration module (PICCOLO_CONF): the engine and the app registry."""

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine


class LazyPostgresEngine(PostgresEngine):
    """Piccolo's engine connects at construction to check the server version; ours connects on first use.

    The server is often not known (embedded) or not up yet when this module is imported.
    """

    async def check_version(self) -> None:
        return None


# The DSN is filled in by server.database.use_database once the server is known.
DB = LazyPostgresEngine(config={"dsn": os.environ.get("DATABASE_URL", "")}, extensions=())

APP_REGISTRY = AppRegistry(
    apps=[
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
    ]
)
