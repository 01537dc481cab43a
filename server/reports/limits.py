"""Rate limits for forms without an account, counted in PostgreSQL so they hold across processes and app hosts.

A limit is a number of requests per fixed window (an hour, a day) for one bucket: a client (its address, keyed with
the secret so no address is kept here), a door card, a township page. Counting up is one statement, atomic under
concurrency (INSERT ... ON CONFLICT DO UPDATE on a unique (bucket, window_start)), and it sweeps a few expired rows
as it goes, so the table stays small without a job.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from server.database import secret_key_in_use
from server.reports.tables import RateCounter

HOUR, DAY = 3600, 86_400
KEEP_SECONDS = 2 * DAY  # counters of windows older than this are swept


@dataclass(frozen=True)
class Limit:
    """At most `most` requests per `seconds` for one bucket of `kind`."""

    kind: str
    seconds: int
    most: int


# A person may mistype and send again; a script soon hits these. Figures are per bucket, whichever host answers.
CLIENT_LIMITS = (Limit("client", HOUR, 10), Limit("client", DAY, 30))  # every form sent from one address
CARD_LIMITS = (Limit("card", DAY, 5),)  # reports accepted through one door card
TOWNSHIP_LIMITS = (Limit("township", DAY, 300),)  # help requests accepted through one township's page

_COUNT = """
WITH swept AS (
    DELETE FROM rate_counter WHERE id IN (
        SELECT id FROM rate_counter WHERE window_start < now() - make_interval(secs => {}) LIMIT 20
        FOR UPDATE SKIP LOCKED)
)
INSERT INTO rate_counter (bucket, window_start, hits)
VALUES ({}, to_timestamp(floor(extract(epoch FROM now()) / {}) * {}), 1)
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counter.hits + 1
RETURNING hits
"""


def client_key(address: str) -> str:
    """The client's bucket name: a keyed hash of its address (the address itself is in the audit trail only)."""
    digest = hmac.new(secret_key_in_use().encode(), address.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


async def count(limits: tuple[Limit, ...], key: str) -> bool:
    """Count one request against every limit; True while all hold. Runs in the caller's transaction, if any."""
    within = True
    for limit in limits:
        bucket = f"{limit.kind}:{limit.seconds}:{key}"
        rows = await RateCounter.raw(_COUNT, KEEP_SECONDS, bucket, limit.seconds, limit.seconds)
        within = within and int(rows[0]["hits"]) <= limit.most
    return within
