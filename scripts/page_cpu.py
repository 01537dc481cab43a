"""The app's own CPU per request of the daily township pages, in process: no HTTP server, no database CPU.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<a copy of the bench's township demo> \\
        python scripts/page_cpu.py [--requests 40] [--rounds 5] [--pages REGEX]

Each page is asked `requests` times straight through the ASGI app (as a browser asks: its Accept-Encoding, the
session and CSRF cookies sent), `rounds` times; the line gives the round with the least CPU time (time.process_time) per
request, which other load on a shared machine moves far less than wrk's requests per second, and the fewest
statements a request of the page sent (its access line). With PYTHONPATH set to another checkout (e.g. a `git
worktree` of an older commit) it measures that code on the same data, so two versions can be compared minutes apart.
The database's own CPU is not in these figures: `scripts/bench.py` gives it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import time
from typing import Any

import httpx
from litestar import Litestar

from server.app import create_app
from server.database import connect
from server.demo.loader import DEMO_PASSWORD
from server.jobs.benchmark import FIRST_DEMO_JOB
from server.visits.benchmark import CADRE_HOUSEHOLD_SQL
from server.web.wire import CHROMIUM_ACCEPT_ENCODING

PAGES = [
    ("ping", "/ping", None),
    ("home-cadre", "/", "cadre"),
    ("households-admin", "/households", "admin"),
    ("household-search-initials", "/households?q=zs", "admin"),
    ("household-search-id-suffix", "/households?q=1234", "admin"),
    ("household-search-name", "/households?q=%E7%8E%8B", "admin"),
    ("coverage-leader", "/coverage", "leader"),
    ("identification", "/identification", "admin"),
    ("visits-cadre", "/visits", "cadre"),
    ("follow-ups-cadre", "/follow-ups", "cadre"),
    ("visits-overdue-leader", "/visits/overdue", "leader"),
    ("monitoring-leader", "/monitoring", "leader"),
    ("monitoring-risks-leader", "/monitoring/risks", "leader"),
    ("monitoring-rate-leader", "/monitoring/rate", "leader"),
    ("monitoring-cases-leader", "/monitoring/cases", "leader"),
    ("household-page", "/households/{admin_household}", "admin"),
    ("visit-form", "/households/{cadre_household}/visits/new", "cadre"),
    ("visit-timeline", "/households/{cadre_household}/timeline", "cadre"),
    ("job-candidates-leader", "/jobs/{job}", "leader"),
    ("audit-admin", "/audit", "admin"),
]
# The households scripts/bench.py measures: the first of the demo township, the demo cadre's most visited of those
# paired with them today (and the first job of the township, whose candidates it measures).
ADMIN_HOUSEHOLD = (
    "SELECT min(h.id) FROM household h JOIN village v ON v.id = h.village JOIN township t ON t.id = v.township"
    " WHERE t.code = '371326105000'"
)


async def log_in(client: httpx.AsyncClient, username: str) -> str:
    form = (await client.get("/login")).text
    token = re.search(r'name="_csrf_token"[^>]*value="([^"]*)"', form) or re.search(
        r'value="([^"]*)"[^>]*name="_csrf_token"', form
    )
    assert token, "no _csrf_token on /login"
    answer = await client.post(
        "/login", data={"username": username, "password": DEMO_PASSWORD, "_csrf_token": token[1]}
    )
    assert answer.status_code == 303, f"login as {username}: {answer.status_code}"
    session = client.cookies.get("bangfu_session")
    client.cookies.delete("bangfu_session")
    return str(session)


def scope_of(path: str, cookie: str, accept_encoding: str) -> dict[str, Any]:
    raw_path, _, query = path.partition("?")
    headers = {"accept-encoding": accept_encoding, "accept": "text/html", "cookie": cookie, "host": "bench"}
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(name.encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def measure(app: Litestar, args: argparse.Namespace) -> None:
    async with app.lifespan():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:  # type: ignore[arg-type]
            sessions = {role: await log_in(client, role) for role in ("cadre", "admin", "leader")}
            csrf = client.cookies.get("bangfu_csrf") or ""
        connection = await connect(os.environ["DATABASE_URL"])
        try:
            ids = {
                "admin_household": await connection.fetchval(ADMIN_HOUSEHOLD),
                "cadre_household": await connection.fetchval(CADRE_HOUSEHOLD_SQL),
                "job": await connection.fetchval(FIRST_DEMO_JOB),
            }
        finally:
            await connection.close()
        statuses: list[int] = []
        sent: list[int] = []  # statements of each request, from its access line (bangfu.access)
        counter = logging.Handler()
        counter.emit = lambda record: sent.append(getattr(record, "statements", 0))  # type: ignore[method-assign]
        logging.getLogger("bangfu.access").addHandler(counter)

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        for name, path, role in PAGES:
            if not re.search(args.pages, name):
                continue
            cookie = f"bangfu_csrf={csrf}" + (f"; bangfu_session={sessions[role]}" if role else "")
            scope = scope_of(path.format(**ids), cookie, args.accept_encoding)
            best = float("inf")
            for round_number in range(args.rounds + 1):  # round 0 warms up (templates compiled, statements prepared)
                statuses.clear()
                sent.clear()
                started = time.process_time()
                for _ in range(args.requests):
                    await app({**scope, "state": {}}, receive, send)  # type: ignore[arg-type]
                spent = time.process_time() - started
                assert set(statuses) == {200}, f"{name}: answered {sorted(set(statuses))}"
                best = min(best, spent) if round_number else best
            print(f"page_cpu: {name} cpu_ms={best / args.requests * 1000:.2f} statements={min(sent)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per round (default 40)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per page, the least CPU counts (default 5)")
    parser.add_argument("--pages", default="", help="only the pages whose name matches this regex")
    parser.add_argument(
        "--accept-encoding",
        default=CHROMIUM_ACCEPT_ENCODING,
        help=f"the Accept-Encoding sent (default {CHROMIUM_ACCEPT_ENCODING!r}, Chromium's; 'br, gzip' for a browser"
        " without Zstandard)",
    )
    args = parser.parse_args()
    app = create_app()
    with open(os.devnull, "w") as quiet:
        for handler in logging.getLogger().handlers:  # each access line is still made, as the server makes it
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(quiet)
        asyncio.run(measure(app, args))


if __name__ == "__main__":
    main()
