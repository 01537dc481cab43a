"""The app's Prometheus metrics (official client), and their text for /metrics.

With several worker processes each writes its samples to files under PROMETHEUS_MULTIPROC_DIR (set by
`bangfu serve`), and /metrics sums them, so whichever worker answers the scrape reports the whole host.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from server.observability import MULTIPROCESS_DIR

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Page times: most pages answer in 10-100 ms; an import or an export can take seconds.
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "bangfu_http_requests", "HTTP requests answered, by route template and status", ["method", "route", "status"]
)
REQUEST_SECONDS = Histogram(
    "bangfu_http_request_duration_seconds", "Time to answer a request, by route template", ["method", "route"],
    buckets=SECONDS,
)  # fmt: skip
DB_POOL = Gauge(
    "bangfu_db_pool_connections",
    "Database connections of the app's pools: in use, idle, and the most it may open",
    ["pool", "state"],
    multiprocess_mode="livesum",
)
PHOTO_INTAKE_SECONDS = Histogram(
    "bangfu_photo_intake_seconds", "Checking, shrinking and storing one uploaded photo", buckets=SECONDS
)
OBJECT_STORE_ERRORS = Counter(
    "bangfu_object_store_errors", "Object store calls that failed or timed out, by operation", ["operation"]
)
VISITS_RECEIVED = Counter(
    "bangfu_visits_received",
    "Visits sent to the server: from the phone's outbox or the form; created, repeated or refused",
    ["channel", "outcome"],
)
LOGIN_FAILURES = Counter("bangfu_login_failures", "Refused logins, by reason", ["reason"])
LOCKOUTS = Counter("bangfu_account_lockouts", "Accounts locked after repeated wrong passwords")
STANDBY_LAG = Gauge(
    "bangfu_standby_lag_seconds",
    "How far the read standby is behind the primary (-1 when it cannot be asked)",
    multiprocess_mode="mostrecent",
)


def metrics_text() -> bytes:
    """The exposition text: this process's registry, or every worker's files in multiprocess mode."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()
