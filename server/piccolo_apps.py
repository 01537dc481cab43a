"""The Piccolo apps, in the order a fresh database migrates them (server.piccolo_conf registers them).

The history app (server.operations.piccolo_app) comes last: it partitions visits and their photos, which tables of
several of the others reference, so it depends on every one of them.
"""

TABLE_APPS = (
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
)
HISTORY_APP = "server.operations.piccolo_app"
