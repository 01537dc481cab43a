"""Throughput and latency of Bangfu pages under wrk, one line per scenario (`make bench`).

Recreates the database `bangfu_bench` (`--database`, or BANGFU_BENCH_DATABASE) on the server in DATABASE_URL (default:
the machine's PostgreSQL 15) as a copy of a template database holding the migrated demo of that scale; the template is
built (`bangfu migrate`, `bangfu demo`, VACUUM ANALYZE) only when the migrations, the demo code, the demo's
settings or the day changed (`--fresh` builds it anyway), so a county run no longer spends minutes loading. It
serves it with one Granian worker on a free loopback port, logs in through the real login form, and runs wrk against
each scenario, first for `--warmup` seconds unmeasured (a server in service has its pool's connections warm:
PostgreSQL custom-plans a prepared statement on each connection for its first five runs). Every line reads

    bench: <scenario> p50_ms=<x> p95_ms=<y> rps=<z> ratio=<r> statements=<n> load=<1,5,15 min> data=<what was loaded>

where ratio is the scenario's requests per second over the bare route's (/ping), measured in the same run, and
statements the SQL statements one request of it sent (from the server's access log line).
To add a page, append a Scenario; to add something that is not an HTTP request, append a function to MEASUREMENTS.

Bytes on the wire (compressed as a browser accepting Brotli gets them) for the cadre's home, the visit form and the
leader's coverage page, first load (the page, the files its <head> loads, and what the service worker installs in
the background) and repeat load (the page alone: static files are immutable and kept), one line each:

    bench: wire-<page> first_load_bytes=<b> repeat_load_bytes=<b> page_bytes=<b> page_uncompressed=<b> ...

`--only wire` measures just these (no wrk); `--pages REGEX` measures only the scenarios (and MEASUREMENTS functions)
whose name matches, e.g. to profile one page with py-spy while wrk runs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import hashlib
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
import zstandard

from server.database import connect, with_database
from server.demo.loader import DEMO_PASSWORD
from server.media.benchmark import measure_photo_processing
from server.visits.benchmark import CADRE_HOUSEHOLD_SQL, SUBMITTING_CADRE_SQL
from server.web.wire import CHROMIUM_ACCEPT_ENCODING

BANGFU = str(Path(sys.executable).parent / "bangfu")
BENCH_DATABASE = os.environ.get("BANGFU_BENCH_DATABASE", "bangfu_bench")
ROOT = Path(__file__).resolve().parent.parent
COUNTY_VISIT_MONTHS = 70  # ~1.86 million visits over the county's 50,661 households
PROVINCE_VISIT_MONTHS = 48  # ~15 million visits over the province's twelve counties (~600,000 households)
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PAGE_TIMEOUT = 120  # seconds: a province's figure page may take several on a busy machine; measured, not an error
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
    statements: int | None = None  # SQL statements of one request (from the server's access log)
    app_cpu_ms: float | None = None  # CPU time per request of the server's processes
    db_cpu_ms: float | None = None  # ... and of the PostgreSQL backends serving it
    load: str | None = None  # the machine's load average (1, 5, 15 minutes) as the measurement ended


@dataclass
class Context:
    """What a measurement may use: the running server, the database, the options and logged-in cookies."""

    base_url: str
    database_url: str
    args: argparse.Namespace
    server_pid: int = 0
    server_log: Path | None = None
    cookies: dict[str, str] = field(default_factory=dict)  # role -> bangfu_session value
    csrf_cookie: str = ""  # the bangfu_csrf cookie a browser keeps from its first page and sends with every request
    # The demo cadre's household whose visit form and timeline are measured, chosen in the first round; and the session
    # and household of the cadre who sends the timed visits (`submissions`).
    visit_household: int | None = None
    submissions: tuple[str, int] | None = None


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
    Scenario("figures-city", "/", "city"),
    Scenario("figures-province", "/", "province"),
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
    Scenario("monitoring-cases-leader", "/monitoring/cases", "leader"),
]
# Non-HTTP measurements (e.g. a report query timed in-process): each returns Results printed like the scenarios.
MEASUREMENTS: list[Callable[[Context], list[Result]]] = []

# The county's statistics: every table of the county (by township) and its workbook, at county scale the 50,000
# households of the demo; the statements per page stay constant in the number of households (tests/statistics).
SCENARIOS += [
    Scenario("statistics-county", "/statistics", "county"),
    Scenario("statistics-county-xlsx", "/statistics/report.xlsx", "county"),
    Scenario("statistics-township-admin", "/statistics", "admin"),
]
# The township's annual assessment workbook, the download itself (the county's figure is `county_assessment` below);
# at county scale the demo township's 300 cadres among the county's 1.88 million visits.
SCENARIOS.append(Scenario("assessment-xlsx-admin", "/monitoring/assessment.xlsx", "admin"))


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


def region_pages(context: Context) -> list[Result]:
    """The province office's pages one level down: the demo county by township, and 临涧镇 by village."""

    async def demo_places() -> tuple[int, int]:
        connection = await connect(context.database_url)
        try:
            row = await connection.fetchrow(
                "SELECT t.id AS township, t.county FROM township t WHERE t.code = '371326105000'"
            )
            return int(row["county"]), int(row["township"])
        finally:
            await connection.close()

    county_id, township_id = asyncio.run(demo_places())
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as temp:
        lua = Path(temp) / "percentiles.lua"
        lua.write_text(WRK_SCRIPT)
        return [
            measure(context, Scenario("region-county-province", f"/region/counties/{county_id}", "province"), lua),
            measure(context, Scenario("region-township-province", f"/region/townships/{township_id}", "province"), lua),
        ]


MEASUREMENTS.append(region_pages)


async def cadre_household(database_url: str) -> int:
    """The demo cadre's most visited household among those paired with them today."""
    connection = await connect(database_url)
    try:
        return int(await connection.fetchval(CADRE_HOUSEHOLD_SQL))
    finally:
        await connection.close()


async def submitting_cadre(database_url: str) -> tuple[str, int]:
    """Another cadre's username and a household of theirs outside the demo cadre's scope (`SUBMITTING_CADRE_SQL`)."""
    connection = await connect(database_url)
    try:
        row = await connection.fetchrow(SUBMITTING_CADRE_SQL)
    finally:
        await connection.close()
    if row is None:
        raise SystemExit("bench: no other cadre of the demo township has a household outside the demo cadre's scope")
    return str(row["username"]), int(row["household"])


def measured_household(context: Context) -> int:
    """The demo cadre's most visited household (its form and timeline are measured), as the first round found it."""
    if context.visit_household is None:
        context.visit_household = asyncio.run(cadre_household(context.database_url))
    return context.visit_household


def submissions(context: Context) -> tuple[str, int]:
    """The session of the cadre who sends the timed visits and the household they go to, found and logged in once."""
    if context.submissions is None:
        username, household_id = asyncio.run(submitting_cadre(context.database_url))
        context.submissions = (login(context.base_url, username), household_id)
    return context.submissions


def visit_pages(context: Context) -> list[Result]:
    """The visit form and the timeline of the demo cadre's most visited household (paired with them today), and visit
    submission p95."""
    from server.visits.benchmark import measure_submissions

    household_id = measured_household(context)
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as temp:
        lua = Path(temp) / "percentiles.lua"
        lua.write_text(WRK_SCRIPT)
        results = [
            measure(context, Scenario("visit-form", f"/households/{household_id}/visits/new", "cadre"), lua),
            measure(context, Scenario("visit-timeline", f"/households/{household_id}/timeline", "cadre"), lua),
        ]
    # Sent by another cadre outside the demo cadre's scope: with --rounds, every round measures the same pages.
    session, spare = submissions(context)
    p50, p95, rate = measure_submissions(context.base_url, session, spare)
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
DECODE = {
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    "zstd": lambda raw: zstandard.ZstdDecompressor().decompressobj().decompress(raw),
}


def wire_size(client: httpx.Client, path: str) -> tuple[int, bytes, str]:
    """(bytes over the wire, the decoded body, the content encoding) of one GET, with the client's Accept-Encoding."""
    with client.stream("GET", path) as response:
        raw = b"".join(response.iter_raw())
        encoding = response.headers.get("content-encoding", "identity")
    return len(raw), DECODE[encoding](raw) if encoding in DECODE else raw, encoding


def service_worker_bytes(client: httpx.Client, counted: set[str]) -> int:
    """sw.js and the shell it pre-caches at install, less the files the page itself already loaded."""
    size, source, _ = wire_size(client, "/sw.js")
    shell = json.loads(re.search(rb"const SHELL = (\[.*?\]);", source)[1])  # type: ignore[index]
    return size + sum(wire_size(client, url)[0] for url in shell if url not in counted)


def wire_lines(context: Context) -> list[str]:
    """Bytes on the wire, first and repeat load, for the cadre's home, the visit form and the coverage page."""
    household_id = measured_household(context)
    pages = [
        ("home-cadre", "/", "cadre"),
        ("visit-form", f"/households/{household_id}/visits/new", "cadre"),
        ("coverage-leader", "/coverage", "leader"),
    ]
    lines = []
    for name, path, role in pages:
        cookies = {"bangfu_session": context.cookies[role]}
        accept = {"Accept-Encoding": context.args.accept_encoding}
        with httpx.Client(base_url=context.base_url, cookies=cookies, headers=accept, timeout=10) as client:
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


def template_key(scale: str, env: dict[str, str]) -> str:
    """What the template's content depends on: the migrations, the demo's code, its settings and the day (visits and
    follow-ups are dated relative to today)."""
    digest = hashlib.sha256(f"{scale} {env.get('BANGFU_DEMO_VISIT_MONTHS', '')} {time.strftime('%Y-%m-%d')}".encode())
    for path in sorted([*(ROOT / "migrations").rglob("*.py"), *(ROOT / "server" / "demo").rglob("*.py")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


async def template_is_current(server_url: str, template: str, key: str) -> bool:
    connection = await connect(with_database(server_url, "postgres"))
    try:
        comment = await connection.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", template
        )
    finally:
        await connection.close()
    return comment == f"bench template {key}"


async def on_server(server_url: str, *statements: str) -> None:
    connection = await connect(with_database(server_url, "postgres"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def recreate_database(server_url: str, name: str, template: str | None = None) -> str:
    """Drop and create database `name`, empty or as a copy of `template`."""
    copy = f' TEMPLATE "{template}"' if template else ""
    await on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{copy}')
    return with_database(server_url, name)


def prepare_database(server_url: str, args: argparse.Namespace, env: dict[str, str]) -> str:
    """The bench database: a fresh copy of the demo template of this scale, the template built first if stale; or,
    with --existing, the database named by --database as it is (a province's ~10 GB is loaded once, not copied)."""
    if args.existing:
        url = with_database(server_url, args.database)
        if not asyncio.run(database_exists(server_url, args.database)):  # loaded once, here, then kept
            build(server_url, args.database, args.scale, env)
            return url
        run(BANGFU, "migrate", env={**env, "DATABASE_URL": url})
        asyncio.run(settle(url))
        return url
    template = f"{args.database}_template_{args.scale}"
    key = template_key(args.scale, env)
    if args.fresh or not asyncio.run(template_is_current(server_url, template, key)):
        started = time.monotonic()
        template_url = asyncio.run(recreate_database(server_url, template))
        template_env = {**env, "DATABASE_URL": template_url}
        run(BANGFU, "migrate", env=template_env)
        run(BANGFU, "demo", "--scale", args.scale, env=template_env)
        run(BANGFU, "maintain", env=template_env)  # visits of past years out of the default partition, into theirs
        asyncio.run(settle(template_url))
        asyncio.run(on_server(server_url, f"COMMENT ON DATABASE \"{template}\" IS 'bench template {key}'"))
        print(f"bench: built the {args.scale} template in {time.monotonic() - started:.0f} s", file=sys.stderr)
    url = asyncio.run(recreate_database(server_url, args.database, template))
    run(BANGFU, "migrate", env={**env, "DATABASE_URL": url})  # nothing to migrate: it sets up this database's app role
    return url


async def database_exists(server_url: str, name: str) -> bool:
    connection = await connect(with_database(server_url, "postgres"))
    try:
        return bool(await connection.fetchval("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name))
    finally:
        await connection.close()


def build(server_url: str, name: str, scale: str, env: dict[str, str]) -> None:
    """Create database `name` with the demo of this scale; say how long it took and how big it is."""
    started = time.monotonic()
    url = asyncio.run(recreate_database(server_url, name))
    run(BANGFU, "migrate", env={**env, "DATABASE_URL": url})
    run(BANGFU, "demo", "--scale", scale, env={**env, "DATABASE_URL": url})
    loaded = time.monotonic() - started
    asyncio.run(settle(url))
    size = asyncio.run(database_size(url))
    print(
        f"bench: built the {scale} demo in {name}: {loaded:.0f} s to load, {time.monotonic() - started:.0f} s with"
        f" VACUUM ANALYZE, {size / 2**30:.1f} GiB, load average {load_average()}",
        file=sys.stderr,
    )


async def database_size(url: str) -> int:
    connection = await connect(url)
    try:
        return int(await connection.fetchval("SELECT pg_database_size(current_database())"))
    finally:
        await connection.close()


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


def load_average() -> str:
    """The machine's load average (1, 5, 15 minutes): what else ran while a figure was taken."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(env: dict[str, str], port: int, log: Path) -> Iterator[tuple[str, int]]:
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
        yield base_url, process.pid
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
    # Compressed as a browser gets it: compression's CPU is part of the page's cost.
    headers = {"Accept-Encoding": context.args.accept_encoding}
    # As a browser: the CSRF cookie it was given once (else every answer makes a token and sets the cookie anew).
    headers["Cookie"] = f"bangfu_csrf={context.csrf_cookie}"
    if scenario.role:
        headers["Cookie"] += f"; bangfu_session={context.cookies[scenario.role]}"
    check = httpx.get(context.base_url + scenario.path, headers=headers, timeout=PAGE_TIMEOUT)
    if check.status_code in (503, 504):  # the page outlasted the database's command timeout: say so, and go on
        seconds = check.elapsed.total_seconds()
        print(f"bench: {scenario.name}: GET {scenario.path} answered {check.status_code} after {seconds:.0f} s")
        return Result(scenario.name, seconds * 1000, seconds * 1000, 0, load=load_average())
    if check.status_code != 200:  # e.g. a redirect to /login would measure the wrong page
        raise SystemExit(f"bench: {scenario.name}: GET {scenario.path} answered {check.status_code}")
    # Counted on a second request: the first may also write the session's last_seen_at (at most once a minute),
    # one statement more that has nothing to do with the page or the data size.
    httpx.get(context.base_url + scenario.path, headers=headers, timeout=PAGE_TIMEOUT)
    statements = statements_of(context, scenario.path.split("?")[0])
    if context.args.warmup:  # as in service: the pool's connections have prepared and planned the page's statements
        wrk(context, scenario, lua, headers, seconds=context.args.warmup)
    with profiled(context, scenario.name):
        result = run_wrk(context, scenario, lua, headers)
    return dataclasses.replace(result, statements=statements, load=load_average())


def statements_of(context: Context, path: str) -> int | None:
    """The statement count in the server's access line of the last request to `path` (the check just made)."""
    if context.server_log is None:
        return None
    time.sleep(0.05)  # the line is written as the answer starts
    for line in reversed(context.server_log.read_text().splitlines()):
        entry = json.loads(line) if line.startswith("{") else {}
        if entry.get("message") == "request" and entry.get("path") == path:
            return int(entry.get("statements", 0))
    return None


@contextmanager
def profiled(context: Context, name: str) -> Iterator[None]:
    """With --profile DIR: py-spy samples the server (and its worker) while wrk runs, into DIR/<name>.txt, as
    collapsed stacks (one line per stack and its sample count; scripts/profile_summary.py reads them)."""
    if not context.args.profile:
        yield
        return
    output = Path(context.args.profile) / f"{name}.txt"
    output.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--subprocesses",
            "--nonblocking",
            "--format",
            "raw",
            "--rate",
            "200",
            "--pid",
            str(context.server_pid),
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)  # py-spy attaches
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # it writes the file on SIGINT
        spy.wait(timeout=30)


TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the server and its Granian worker)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            queue += [int(child) for child in task.read_text().split()]
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process still there (/proc/<pid>/stat fields 14 and 15)."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return times


def backends(context: Context) -> list[int]:
    """The PostgreSQL server processes connected to the bench database (on this machine, as in the bench)."""

    async def pids() -> list[int]:
        connection = await connect(context.database_url)
        try:
            rows = await connection.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [int(row["pid"]) for row in rows]
        finally:
            await connection.close()

    return asyncio.run(pids())


def run_wrk(context: Context, scenario: Scenario, lua: Path, headers: dict[str, str]) -> Result:
    """wrk's throughput and latency, and the CPU time the server and its database backends spent per request
    (which, unlike throughput, hardly depends on what else the machine runs)."""
    app_before = cpu_seconds(process_tree(context.server_pid))
    db_before = cpu_seconds(backends(context))
    result = wrk(context, scenario, lua, headers, seconds=context.args.duration)
    app_after = cpu_seconds(process_tree(context.server_pid))
    db_after = cpu_seconds(backends(context))
    requests = result.rps * context.args.duration
    if not requests:  # not one answer within the run (a page slower than --duration): say so, and go on
        print(f"bench: {scenario.name} answered no request in {context.args.duration} s", file=sys.stderr)
        return result
    app = sum(app_after.values()) - sum(app_before.get(pid, 0) for pid in app_after)
    db = sum(db_after.values()) - sum(db_before.get(pid, 0) for pid in db_after)
    return Result(
        result.name,
        result.p50_ms,
        result.p95_ms,
        result.rps,
        app_cpu_ms=app / requests * 1000,
        db_cpu_ms=db / requests * 1000,
    )


def wrk(context: Context, scenario: Scenario, lua: Path, headers: dict[str, str], seconds: int) -> Result:
    command = ["wrk", "-t1", f"-c{context.args.connections}", f"-d{seconds}s"]
    command += ["--timeout", f"{PAGE_TIMEOUT}s"]
    command += ["-s", str(lua)]
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


def figures(result: Result, bare: Result) -> str:
    """ratio: requests per second over the bare route's; cpu_ms: the server's + the database's CPU per request;
    cpu_ratio: the bare route's CPU per request over the page's (the ratio on a machine doing nothing else)."""
    line = f"p50_ms={result.p50_ms:.2f} p95_ms={result.p95_ms:.2f} rps={result.rps:.0f}"
    line += f" ratio={f'{result.rps / bare.rps:.2f}' if result.relative else '-'}"
    if result.app_cpu_ms is not None and result.db_cpu_ms is not None and bare.app_cpu_ms is not None:
        total, bare_total = result.app_cpu_ms + result.db_cpu_ms, bare.app_cpu_ms + (bare.db_cpu_ms or 0)
        line += f" cpu_ms={result.app_cpu_ms:.2f}+{result.db_cpu_ms:.2f} cpu_ratio={bare_total / total:.2f}"
    line += f" statements={'-' if result.statements is None else result.statements}"
    return line + f" load={'-' if result.load is None else result.load.replace(' ', ',')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["township", "county", "province"], default="township")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per scenario (default 10)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="seconds of wrk per scenario before it is measured (default 2; 0: measured cold, as before issue 19's"
        " fifth session): PostgreSQL plans a statement anew on each connection for its first five runs",
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument(
        "--accept-encoding",
        default=CHROMIUM_ACCEPT_ENCODING,
        help=f"the Accept-Encoding every request sends (default {CHROMIUM_ACCEPT_ENCODING!r}, Chromium's; 'br, gzip'"
        " for a browser without Zstandard)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the bare route and every chosen page this many times, one after the other, and print per page"
        " the median round's figures (the machine's drift moves a single run's ratios by up to 30%%)",
    )
    parser.add_argument("--only", choices=["all", "wire"], default="all", help="wire: bytes on the wire only")
    parser.add_argument("--pages", default="", help="measure only the scenarios whose name matches this regex")
    parser.add_argument("--database", default=BENCH_DATABASE, help=f"bench database name (default {BENCH_DATABASE})")
    parser.add_argument("--profile", default="", help="with py-spy: a collapsed-stack profile per scenario in DIR")
    parser.add_argument("--fresh", action="store_true", help="build the demo template even if it looks current")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the database --database names as it is (built with the demo of --scale when missing)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped on SIGTERM too

    server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    env = {**os.environ, "BANGFU_SECURE_COOKIES": "0"}
    if args.scale == "county":  # the county of the issues' speed targets: 50,000 households, 1.8 million visits
        env.setdefault("BANGFU_DEMO_VISIT_MONTHS", str(COUNTY_VISIT_MONTHS))
    if args.scale == "province":  # twelve counties: ~600,000 households, ~15 million visits
        env.setdefault("BANGFU_DEMO_VISIT_MONTHS", str(PROVINCE_VISIT_MONTHS))
    url = prepare_database(server_url, args, env)
    env["DATABASE_URL"] = url
    data = asyncio.run(describe_data(url, args.scale))

    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as temp:
        lua = Path(temp) / "percentiles.lua"
        lua.write_text(WRK_SCRIPT)
        with server(env, free_port(), Path(temp) / "serve.log") as (base_url, pid):
            context = Context(base_url, url, args, pid, Path(temp) / "serve.log")
            for role in sorted({s.role for s in SCENARIOS if s.role}):
                context.cookies[role] = login(base_url, role)
            context.csrf_cookie = httpx.get(base_url + "/ping", timeout=10).cookies.get("bangfu_csrf", "")
            wire = wire_lines(context)
            if args.only == "wire":
                print("\n".join(wire), flush=True)
                return
            chosen = re.compile(args.pages)
            rounds = []
            for number in range(1, args.rounds + 1):
                label = "bench:" if args.rounds == 1 else f"bench-round-{number}:"
                rounds.append(measure_round(context, chosen, lua, label, data))
            if args.rounds > 1:
                for name, result, bare, ratios in medians(rounds):
                    spread = ",".join(f"{ratio:.2f}" for ratio in ratios)
                    print(f"bench: {name} {figures(result, bare)} ratios={spread} data={data}", flush=True)
    print("\n".join(f"{line} data={data}" for line in wire), flush=True)


Round = list[Result]  # the bare route first, then every page measured, in order


def measure_round(context: Context, chosen: re.Pattern[str], lua: Path, label: str, data: str) -> Round:
    """The bare route, then each chosen scenario and measurement once; each line printed as it is taken."""
    results: Round = []

    def taken(result: Result) -> None:
        results.append(result)
        print(f"{label} {result.name} {figures(result, results[0])} data={data}", flush=True)

    for scenario in (s for s in SCENARIOS if s is SCENARIOS[0] or chosen.search(s.name)):
        taken(measure(context, scenario, lua))
    for measurement in MEASUREMENTS:
        if chosen.search(measurement.__name__.replace("_", "-")):
            for result in measurement(context):
                taken(result)
    return results


def medians(rounds: list[Round]) -> Iterator[tuple[str, Result, Result, list[float]]]:
    """Per page, the round whose ratio (for a measurement that is not a request: p50) is the median of all rounds,
    with that round's bare route, and the ratios of every round. Each ratio is a page's requests per second over
    the bare route's of its own round, so a machine that drifts between rounds moves both."""
    for index, first in enumerate(rounds[0]):
        taken = sorted(
            ((round_[index], round_[0]) for round_ in rounds),
            key=lambda pair: pair[0].rps / pair[1].rps if pair[0].relative and pair[1].rps else -pair[0].p50_ms,
        )
        ratios = [result.rps / bare.rps for result, bare in taken if result.relative and bare.rps]
        result, bare = taken[len(taken) // 2]
        yield first.name, result, bare, sorted(ratios)


if __name__ == "__main__":
    main()
