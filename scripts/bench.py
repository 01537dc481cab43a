"""Throughput and latency of Bangfu pages under wrk, one line per scenario (`make bench`).

Recreates the database `bangfu_bench` on the server in DATABASE_URL (default: the machine's PostgreSQL 15), runs
`bangfu migrate` and `bangfu demo`, serves it with one Granian worker on a free loopback port, logs in through the real
login form, and runs wrk against each scenario. Every line reads

    bench: <scenario> p50_ms=<x> p95_ms=<y> rps=<z> ratio=<r> data=<what was loaded>

where ratio is the scenario's requests per second over the bare route's (/ping), measured in the same run.
To add a page, append a Scenario; to add something that is not an HTTP request, append a function to MEASUREMENTS.

Bytes on the wire (compressed as a browser accepting Brotli gets them) for the cadre's home, the visit form and the
leader's coverage page, first load (the page, the files its <head> loads, and what the service worker installs in
the background) and repeat load (the page alone: static files are immutable and kept), one line each:

    bench: wire-<page> first_load_bytes=<b> repeat_load_bytes=<b> page_bytes=<b> page_uncompressed=<b> ...

`--only wire` measures just these (no wrk).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import httpx

from server.database import connect, with_database
from server.demo.loader import DEMO_PASSWORD
from server.media.benchmark import measure_photo_processing

BANGFU = str(Path(sys.executable).parent / "bangfu")
BENCH_DATABASE = "bangfu_bench"
COUNTY_VISIT_MONTHS = 70  # ~1.86 million visits over the county's 50,661 households
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
# wrk calls done() once at the end; latencies are in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", latency:percentile(50), latency:percentile(95),
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    role: str | None = None  # log in as this demo user (each is named after its role); None: anonymous


@dataclass(frozen=True)
class Result:
    name: str
    p50_ms: float
    p95_ms: float
    rps: float
    relative: bool = True  # False: not an HTTP request, so no ratio to the bare route


@dataclass
class Context:
    """What a measurement may use: the running server, the database, the options and logged-in cookies."""

    base_url: str
    database_url: str
    args: argparse.Namespace
    cookies: dict[str, str] = field(default_factory=dict)  # role -> bangfu_session value


# The first scenario is the bare route every ratio is relative to.
SCENARIOS = [
    Scenario("ping", "/ping"),
    Scenario("home-cadre", "/", "cadre"),
    Scenario("households-admin", "/households", "admin"),
    Scenario("household-search-initials", "/households?q=zs", "admin"),
    Scenario("household-search-id-suffix", "/households?q=1234", "admin"),
    Scenario("household-search-name", "/households?q=%E7%8E%8B", "admin"),
    Scenario("coverage-leader", "/coverage", "leader"),
    Scenario("coverage-county", "/", "county"),
    Scenario("identification", "/identification", "admin"),
    Scenario("visits-cadre", "/visits", "cadre"),
    Scenario("follow-ups-cadre", "/follow-ups", "cadre"),
    Scenario("visits-overdue-leader", "/visits/overdue", "leader"),
    Scenario("jobs-hub-cadre", "/jobs/", "cadre"),
    Scenario("job-board-public", "/board/"),
    Scenario("projects-admin", "/projects", "admin"),
    Scenario("project-funding-admin", "/projects/funding", "admin"),
    Scenario("audit-admin", "/audit", "admin"),
    Scenario("monitoring-leader", "/monitoring", "leader"),
    Scenario("monitoring-risks-leader", "/monitoring/risks", "leader"),
    Scenario("monitoring-rate-leader", "/monitoring/rate", "leader"),
]
# Non-HTTP measurements (e.g. a report query timed in-process): each returns Results printed like the scenarios.
MEASUREMENTS: list[Callable[[Context], list[Result]]] = []


def photo_processing(context: Context) -> list[Result]:
    """Server-side intake of a 12 MP phone JPEG (4000x3000), 10 runs in a fresh process; rps = photos/s on one core."""
    photo = measure_photo_processing(runs=10)
    name = f"photo-12mp[12MP-JPEG-4000x3000,peak_mb={photo.peak_mb:.0f}]"
    return [Result(name, photo.p50_ms, photo.p95_ms, 1000 / photo.p50_ms, relative=False)]


MEASUREMENTS.append(photo_processing)


def household_page(context: Context) -> list[Result]:
    """The admin's household page; the id of a demo-township household depends on the scale, so it is looked up."""

    async def first_household() -> int:
        connection = await connect(context.database_url)
        try:
            return int(
                await connection.fetchval(
                    "SELECT min(h.id) FROM household h JOIN village v ON v.id = h.village"
                    " JOIN township t ON t.id = v.township WHERE t.code = '371326105000'"
                )
            )
        finally:
            await connection.close()

    household_id = asyncio.run(first_household())
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as temp:
        lua = Path(temp) / "percentiles.lua"
        lua.write_text(WRK_SCRIPT)
        return [measure(context, Scenario("household-page", f"/households/{household_id}", "admin"), lua)]


MEASUREMENTS.append(household_page)


async def cadre_household(database_url: str) -> int:
    """The demo cadre's most visited household."""
    connection = await connect(database_url)
    try:
        return int(
            await connection.fetchval(
                "SELECT v.household FROM visit v JOIN app_user u ON u.id = v.cadre WHERE u.username = 'cadre'"
                " GROUP BY v.household ORDER BY count(*) DESC, v.household LIMIT 1"
            )
        )
    finally:
        await connection.close()


def visit_pages(context: Context) -> list[Result]:
    """The visit form and the timeline of the demo cadre's most visited household, and visit submission p95."""
    from server.visits.benchmark import measure_submissions

    household_id = asyncio.run(cadre_household(context.database_url))
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as temp:
        lua = Path(temp) / "percentiles.lua"
        lua.write_text(WRK_SCRIPT)
        results = [
            measure(context, Scenario("visit-form", f"/households/{household_id}/visits/new", "cadre"), lua),
            measure(context, Scenario("visit-timeline", f"/households/{household_id}/timeline", "cadre"), lua),
        ]
    p50, p95, rate = measure_submissions(context.base_url, context.cookies["cadre"], household_id)
    return [*results, Result("visit-submit[no-photos,200-sequential]", p50, p95, rate, relative=False)]


MEASUREMENTS.append(visit_pages)


def job_candidates(context: Context) -> list[Result]:
    """Ranked candidates for the first demo job: the leader's page (township scope) and the SQL county-wide."""
    from server.jobs.benchmark import first_demo_job, measure_candidates

    job_id = asyncio.run(first_demo_job(context.database_url))
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as temp:
        lua = Path(temp) / "percentiles.lua"
        lua.write_text(WRK_SCRIPT)
        page = measure(context, Scenario("job-candidates-leader", f"/jobs/{job_id}", "leader"), lua)
    p50, p95, rows, members = measure_candidates(context.database_url, job_id)
    name = f"job-candidates-sql[county-wide,{members}-members,top-{rows},40-sequential]"
    return [page, Result(name, p50, p95, 1000 / p50, relative=False)]


MEASUREMENTS.append(job_candidates)


def county_assessment(context: Context) -> list[Result]:
    """The annual assessment .xlsx of every cadre of the database (the county at county scale), 3 runs in-process."""
    from server.monitoring.benchmark import measure_county_assessment

    p50, worst, cadres, size = measure_county_assessment(context.database_url)
    name = f"assessment-xlsx-county[{cadres}-cadres,{size // 1024}KB,3-runs,p95=max]"
    return [Result(name, p50, worst, 1000 / p50, relative=False)]


MEASUREMENTS.append(county_assessment)
HEAD_ASSETS = re.compile(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"')
ACCEPT = {"Accept-Encoding": "br, gzip"}  # what Chromium sends


def wire_size(client: httpx.Client, path: str) -> tuple[int, bytes, str]:
    """(bytes over the wire, the decoded body, the content encoding) of one GET."""
    with client.stream("GET", path, headers=ACCEPT) as response:
        raw = b"".join(response.iter_raw())
        encoding = response.headers.get("content-encoding", "identity")
    body = brotli.decompress(raw) if encoding == "br" else (gzip.decompress(raw) if encoding == "gzip" else raw)
    return len(raw), body, encoding


def service_worker_bytes(client: httpx.Client, counted: set[str]) -> int:
    """sw.js and the shell it pre-caches at install, less the files the page itself already loaded."""
    size, source, _ = wire_size(client, "/sw.js")
    shell = json.loads(re.search(rb"const SHELL = (\[.*?\]);", source)[1])  # type: ignore[index]
    return size + sum(wire_size(client, url)[0] for url in shell if url not in counted)


def wire_lines(context: Context) -> list[str]:
    """Bytes on the wire, first and repeat load, for the cadre's home, the visit form and the coverage page."""
    household_id = asyncio.run(cadre_household(context.database_url))
    pages = [
        ("home-cadre", "/", "cadre"),
        ("visit-form", f"/households/{household_id}/visits/new", "cadre"),
        ("coverage-leader", "/coverage", "leader"),
    ]
    lines = []
    for name, path, role in pages:
        cookies = {"bangfu_session": context.cookies[role]}
        with httpx.Client(base_url=context.base_url, cookies=cookies, timeout=10) as client:
            page, html, encoding = wire_size(client, path)
            assets = HEAD_ASSETS.findall(html.decode())
            static = sum(wire_size(client, asset)[0] for asset in assets)
            worker = service_worker_bytes(client, set(assets))
        lines.append(
            f"bench: wire-{name} first_load_bytes={page + static + worker} repeat_load_bytes={page}"
            f" page_bytes={page} page_uncompressed={len(html)} head_static_bytes={static} head_files={len(assets)}"
            f" service_worker_install_bytes={worker} encoding={encoding}"
        )
    return lines


COUNTS = [  # (label, table) for the data= description
    ("townships", "township"),
    ("villages", "village"),
    ("households", "household"),
    ("members", "member"),
    ("cadres", "app_user WHERE role IN ('leader', 'cadre')"),  # leaders are cadres too (pairing quota 3)
    ("visits", "visit"),
]


def run(*command: str, env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


async def recreate_database(server_url: str) -> str:
    connection = await connect(with_database(server_url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    finally:
        await connection.close()
    return with_database(server_url, BENCH_DATABASE)


async def settle(url: str) -> None:
    """VACUUM ANALYZE after the bulk load: a database in service has been through autovacuum, a fresh load not yet
    (its visibility map is empty, so index-only scans would still read every table row)."""
    connection = await connect(url)
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def describe_data(url: str, scale: str) -> str:
    connection = await connect(url)
    try:
        counts = {label: await connection.fetchval(f"SELECT count(*) FROM {table}") for label, table in COUNTS}
    finally:
        await connection.close()
    if counts["townships"] == 1:
        del counts["townships"]
    return f"{scale}: " + ", ".join(f"{count} {label}" for label, count in counts.items())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """`bangfu serve --workers 1`, stopped (with its worker) however the block ends."""
    with log.open("w") as output:
        process = subprocess.Popen(  # its own process group, so the worker goes too
            [BANGFU, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: the server did not start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(base_url + "/ping", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base_url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def login(base_url: str, username: str) -> str:
    """Log in through the real form; returns the bangfu_session cookie value."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        form = client.get("/login").text
        tag = re.search(r"<input[^>]*name=\"_csrf_token\"[^>]*>", form)
        token = re.search(r"value=\"([^\"]*)\"", tag.group(0)) if tag else None
        if token is None:
            raise SystemExit("bench: no _csrf_token input on /login")
        answer = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "_csrf_token": token[1]})
        session = client.cookies.get("bangfu_session")
        if answer.status_code != 303 or not session:
            raise SystemExit(f"bench: login as {username} failed ({answer.status_code})")
        return session


def measure(context: Context, scenario: Scenario, lua: Path) -> Result:
    headers = {"Cookie": f"bangfu_session={context.cookies[scenario.role]}"} if scenario.role else {}
    check = httpx.get(context.base_url + scenario.path, headers=headers, timeout=10)
    if check.status_code != 200:  # e.g. a redirect to /login would measure the wrong page
        raise SystemExit(f"bench: {scenario.name}: GET {scenario.path} answered {check.status_code}")
    command = ["wrk", "-t1", f"-c{context.args.connections}", f"-d{context.args.duration}s", "-s", str(lua)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, context.base_url + scenario.path], capture_output=True, text=True, check=False)
    line = next((line for line in output.stdout.splitlines() if line.startswith("BENCH ")), None)
    if output.returncode != 0 or line is None:
        raise SystemExit(f"bench: unexpected wrk output:\n{output.stdout}{output.stderr}")
    p50, p95, requests, duration_us, errors = (int(value) for value in line.split()[1:])
    if errors:
        raise SystemExit(f"bench: {scenario.name}: {errors} errors or non-2xx/3xx responses out of {requests}")
    return Result(scenario.name, p50 / 1000, p95 / 1000, requests / (duration_us / 1_000_000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["township", "county"], default="township")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per scenario (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--only", choices=["all", "wire"], default="all", help="wire: bytes on the wire only")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped on SIGTERM too

    server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    url = asyncio.run(recreate_database(server_url))
    env = {**os.environ, "DATABASE_URL": url, "BANGFU_SECURE_COOKIES": "0"}
    if args.scale == "county":  # the county of the issues' speed targets: 50,000 households, 1.8 million visits
        env.setdefault("BANGFU_DEMO_VISIT_MONTHS", str(COUNTY_VISIT_MONTHS))
    run(BANGFU, "migrate", env=env)
    run(BANGFU, "demo", "--scale", args.scale, env=env)
    asyncio.run(settle(url))
    data = asyncio.run(describe_data(url, args.scale))

    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as temp:
        lua = Path(temp) / "percentiles.lua"
        lua.write_text(WRK_SCRIPT)
        with server(env, free_port(), Path(temp) / "serve.log") as base_url:
            context = Context(base_url, url, args)
            for role in sorted({s.role for s in SCENARIOS if s.role}):
                context.cookies[role] = login(base_url, role)
            wire = wire_lines(context)
            if args.only == "wire":
                print("\n".join(wire), flush=True)
                return
            results = [measure(context, scenario, lua) for scenario in SCENARIOS]
            for measurement in MEASUREMENTS:
                results += measurement(context)
    bare_rps = results[0].rps
    for result in results:
        print(
            f"bench: {result.name} p50_ms={result.p50_ms:.2f} p95_ms={result.p95_ms:.2f} rps={result.rps:.0f}"
            f" ratio={f'{result.rps / bare_rps:.2f}' if result.relative else '-'} data={data}",
            flush=True,
        )
    print("\n".join(f"{line} data={data}" for line in wire), flush=True)


if __name__ == "__main__":
    main()
