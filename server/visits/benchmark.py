"""Timing the visit submission (no photos) against a running server, for scripts/bench.py."""

from __future__ import annotations

import re
import statistics
import time
import uuid

import httpx

EMPTY_FILE = ("photos", ("", b"", "application/octet-stream"))  # what a browser sends when no photo was chosen
# The household whose visit pages the benches measure: the demo cadre's most visited among those paired with them
# today (at county scale the demo's pairing history has them visit households paired with others now, whose pages
# they may not open).
CADRE_HOUSEHOLD_SQL = (
    "SELECT v.household FROM visit v JOIN app_user u ON u.id = v.cadre"
    " JOIN pairing p ON p.household = v.household AND p.cadre = u.id AND p.ended_on IS NULL"
    " WHERE u.username = 'cadre' GROUP BY v.household ORDER BY count(*) DESC, v.household LIMIT 1"
)
# Who sends the timed visits, and to which household: another cadre of the demo township, to a household of theirs
# outside the demo cadre's scope (their paired households and their village's). Sent by the demo cadre, 200 visits a
# round joined their visits list: its later rounds measured a cadre with 266 and 466 visits instead of 66.
SUBMITTING_CADRE_SQL = """
SELECT u.username, p.household FROM pairing p
JOIN app_user u ON u.id = p.cadre JOIN household h ON h.id = p.household
CROSS JOIN (SELECT id, township, village FROM app_user WHERE username = 'cadre') demo
WHERE p.ended_on IS NULL AND u.role = 'cadre' AND u.id <> demo.id AND u.township = demo.township
  AND h.village IS DISTINCT FROM demo.village
  AND NOT EXISTS (SELECT 1 FROM pairing o WHERE o.household = p.household AND o.cadre = demo.id AND o.ended_on IS NULL)
ORDER BY u.username, p.household LIMIT 1
"""


def measure_submissions(base_url: str, session: str, household_id: int, runs: int = 200) -> tuple[float, float, float]:
    """POST `runs` new visits one after another like the form does; returns (p50 ms, p95 ms, visits per second)."""
    with httpx.Client(base_url=base_url, cookies={"bangfu_session": session}, timeout=10) as client:
        form = client.get(f"/households/{household_id}/visits/new")
        match = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        if form.status_code != 200 or match is None:
            raise SystemExit(f"bench: the visit form answered {form.status_code}")
        timings = []
        started = time.perf_counter()
        for number in range(runs):
            data = {"_csrf_token": match[1], "client_id": str(uuid.uuid4()), "kind": "phone", "note": f"bench {number}"}
            before = time.perf_counter()
            answer = client.post(f"/households/{household_id}/visits", data=data, files=[EMPTY_FILE])
            timings.append((time.perf_counter() - before) * 1000)
            if answer.status_code != 303:
                raise SystemExit(f"bench: visit submission answered {answer.status_code}")
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(timings, n=100)
    return cuts[49], cuts[94], runs / elapsed
