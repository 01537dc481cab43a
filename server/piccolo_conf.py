"""Piccolo's configuration module (PICCOLO_CONF): the engine and the app registry."""

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

# The DSN is filled in by server.database.use_database once the server is known.
DB = PostgresEngine(config={"dsn": os.environ.get("DATABASE_URL", "")}, extensions=())

APP_REGISTRY = AppRegistry(apps=["server.piccolo_app"])
