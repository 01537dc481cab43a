"""A server killed (SIGKILL) in the middle of a write leaves nothing half-written, and the client's retry of the same
submission lands exactly once; a worker that dies is replaced while the server goes on serving.

The request is held at a point inside its transaction by a lock this test takes (the same lock the app waits for),
then the whole server is killed: the database rolls back what the dead connection had begun."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from server import clock
from server.database import connect
from server.pairing.changes import LOCK_NAMESPACE as PAIRING_LOCK
from server.settings import ROOT
from server.visits.recording import LOCK_NAMESPACE as VISIT_LOCK
from tests.conftest import drop_database, migrated_copy
from tests.helpers import PASSWORD, csrf_token_of
from tests.hosts.conftest import healthy
from tests.services import free_ports, wait_for

pytestmark = pytest.mark.slow  # a demo township and several server starts

PHOTO = (ROOT / "tests" / "fixtures" / "photo.png").read_bytes()


@dataclass
class Server:
    env: dict[str, str]
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workers: int = 1) -> None:
        log = (Path(self.env["BANGFU_VAR_DIR"]) / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(self.port), "--workers", str(workers)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: healthy(self.url), f"server on {self.port}", self.process, timeout=60)

    def kill(self) -> None:
        """SIGKILL to the server and every worker at once: no shutdown hook, no rollback of its own."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def workers(self) -> list[int]:
        assert self.process is not None
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    children.append(int(entry.name))
        return children


@pytest.fixture(scope="module")
async def demo_database(migrated_template: str) -> AsyncIterator[str]:
    url = await migrated_copy(migrated_template, "bangfu_crash")
    try:
        yield url
    finally:
        await drop_database(url)


@pytest.fixture(scope="module")
def server(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANGFU_")}
    var_dir = tmp_path_factory.mktemp("crash") / "var"
    var_dir.mkdir()
    env.update(DATABASE_URL=demo_database, BANGFU_VAR_DIR=str(var_dir), BANGFU_LOG_FORMAT="json")
    subprocess.run([sys.executable, "-m", "server", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    running = Server(env, free_ports(1)[0])
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()


async def logged_in(server: Server, username: str) -> tuple[httpx.AsyncClient, str]:
    http = httpx.AsyncClient(base_url=server.url, timeout=60)
    form = await http.get("/login")
    login = {"username": username, "password": PASSWORD, "_csrf_token": csrf_token_of(form.text)}
    await http.post("/login", data=login)
    return http, csrf_token_of((await http.get("/me")).text)


async def holding(database: str, statements: list[tuple[str, tuple[Any, ...]]]) -> asyncpg.Connection:
    """A connection inside a transaction that holds what the app's request will wait for (a lock, a row, a key)."""
    connection = await connect(database)
    await connection.execute("BEGIN")
    for sql, args in statements:
        await connection.execute(sql, *args)
    return connection


async def until_waiting(database: str) -> None:
    """Until the app's request is inside its transaction, waiting for what the test holds."""
    connection = await connect(database)
    try:
        for _ in range(300):
            waiting = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bangfu' AND wait_event_type = 'Lock'"
            )
            if waiting:
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the request never reached the point where it waits")
    finally:
        await connection.close()


async def kill_while_held(server: Server, database: str, hold: list[tuple[str, tuple[Any, ...]]], request: Any) -> None:
    """Start `request`, let it reach what the test holds, kill the server, then let go (rolled back)."""
    holder = await holding(database, hold)
    try:
        pending = asyncio.ensure_future(request)
        await until_waiting(database)
        server.kill()
        with pytest.raises(httpx.HTTPError):
            await pending
    finally:
        await holder.execute("ROLLBACK")
        await holder.close()


def advisory(namespace: int, key: int) -> list[tuple[str, tuple[Any, ...]]]:
    return [("SELECT pg_advisory_xact_lock($1, $2)", (namespace, key))]


async def fetch(database: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await connect(database)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


def log_since(server: Server, since: int) -> bytes:
    return (Path(server.env["BANGFU_VAR_DIR"]) / "server.log").read_bytes()[since:]


def started_workers(server: Server, since: int) -> int:
    """How many workers said they started (ready to serve) since the log had `since` bytes."""
    return log_since(server, since).count(b"Started worker")


async def test_a_killed_worker_is_replaced_and_the_server_goes_on_serving(server: Server) -> None:
    log = Path(server.env["BANGFU_VAR_DIR"]) / "server.log"
    since = log.stat().st_size if log.exists() else 0
    server.start(workers=2)
    try:
        wait_for(lambda: started_workers(server, since) == 2, "both workers", server.process, 60)
        first = int(re.findall(rb"Spawning worker-1 with PID: (\d+)", log_since(server, since))[0])
        os.kill(first, signal.SIGKILL)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            assert (await http.get("/healthz")).status_code == 200  # the other worker answers meanwhile
            wait_for(lambda: started_workers(server, since) == 3, "a new worker", server.process, 60)
            assert first not in server.workers()
            assert len(server.workers()) == 2
            assert server.process is not None
            assert server.process.poll() is None, "the server itself is still running"
            assert [(await http.get("/healthz")).status_code for _ in range(10)] == [200] * 10
    finally:
        server.kill()


async def test_a_server_killed_mid_handover_ends_nothing_and_the_retry_hands_over_once(
    server: Server, demo_database: str
) -> None:
    [leaving] = await fetch(
        demo_database,
        "SELECT cadre, count(*) AS n FROM pairing WHERE ended_on IS NULL GROUP BY cadre ORDER BY count(*) DESC, cadre"
        " LIMIT 1",
    )
    [taking] = await fetch(
        demo_database,
        "SELECT u.id FROM app_user u WHERE u.role IN ('cadre', 'leader') AND u.is_active AND u.id <> $1 AND NOT EXISTS"
        " (SELECT 1 FROM pairing p WHERE p.cadre = u.id AND p.ended_on IS NULL) ORDER BY u.id LIMIT 1",
        leaving["cadre"],
    )
    server.start()
    http, token = await logged_in(server, "admin")
    url = f"/pairings/cadres/{leaving['cadre']}/handover"
    form = {"to_cadre": str(taking["id"]), "on": clock.today().isoformat(), "reason": "调动", "_csrf_token": token}
    await kill_while_held(server, demo_database, advisory(PAIRING_LOCK, taking["id"]), http.post(url, data=form))

    active = "SELECT count(*) AS n FROM pairing WHERE cadre = $1 AND ended_on IS NULL"
    assert (await fetch(demo_database, active, leaving["cadre"]))[0]["n"] == leaving["n"], "nothing was ended"
    assert (await fetch(demo_database, active, taking["id"]))[0]["n"] == 0, "nothing was started"

    server.start()
    try:
        retried = await http.post(url, data=form)  # the same session and form, sent again
        assert retried.status_code == 303
        again = await http.post(url, data=form)
        assert again.status_code == 422  # nothing left to hand over: it happened once
    finally:
        await http.aclose()
        server.kill()
    assert (await fetch(demo_database, active, leaving["cadre"]))[0]["n"] == 0
    assert (await fetch(demo_database, active, taking["id"]))[0]["n"] == leaving["n"]


async def test_a_server_killed_mid_visit_with_photos_keeps_no_visit_and_the_retry_lands_once(
    server: Server, demo_database: str
) -> None:
    [row] = await fetch(
        demo_database,
        "SELECT p.household FROM pairing p JOIN app_user u ON u.id = p.cadre WHERE u.username = 'cadre'"
        " AND p.ended_on IS NULL ORDER BY p.household LIMIT 1",
    )
    household = row["household"]
    server.start()
    http, _ = await logged_in(server, "cadre")
    page = await http.get(f"/households/{household}/visits/new")
    client_id = page.text.split('name="client_id" value="', 1)[1].split('"', 1)[0]
    form = {"_csrf_token": csrf_token_of(page.text), "client_id": client_id, "kind": "home", "note": "送去种苗"}
    files = [("photos", ("a.png", PHOTO, "image/png"))]

    def send() -> Any:
        return http.post(f"/households/{household}/visits", data=form, files=files)

    await kill_while_held(server, demo_database, advisory(VISIT_LOCK, household), send())
    visits = "SELECT v.id, (SELECT count(*) FROM visit_photo p WHERE p.visit = v.id) AS photos FROM visit v"
    assert await fetch(demo_database, visits + " WHERE v.client_id = $1", client_id) == []

    server.start()
    try:
        first = await send()
        assert first.status_code == 303
        second = await send()  # the phone did not hear the answer and sends it again
        assert second.status_code == 303
    finally:
        await http.aclose()
        server.kill()
    [visit] = await fetch(demo_database, visits + " WHERE v.client_id = $1", client_id)
    assert visit["photos"] == 1


async def test_a_server_killed_mid_identification_step_takes_no_step_and_the_retry_takes_it_once(
    server: Server, demo_database: str
) -> None:
    [row] = await fetch(
        demo_database,
        "SELECT a.id FROM identification_application a WHERE a.state = 'applied' ORDER BY a.id LIMIT 1",
    )
    application = row["id"]
    server.start()
    http, token = await logged_in(server, "admin")
    survey = {
        "team": "王一、王二、王三", "surveyed_on": clock.today().isoformat(), "member_count": "3",
        "findings": "房屋漏雨", "eligible": "yes", "strike_reason": "", "_csrf_token": token,
    }  # fmt: skip
    url = f"/identification/applications/{application}/survey"
    row_lock = [("SELECT id FROM identification_application WHERE id = $1 FOR UPDATE", (application,))]
    await kill_while_held(server, demo_database, row_lock, http.post(url, data=survey))
    steps = "SELECT count(*) AS n FROM identification_step WHERE application = $1 AND step = 'survey'"
    assert (await fetch(demo_database, steps, application))[0]["n"] == 0

    server.start()
    try:
        assert (await http.post(url, data=survey)).status_code == 303
        assert (await http.post(url, data=survey)).status_code == 409  # already surveyed: refused, not repeated
    finally:
        await http.aclose()
        server.kill()
    assert (await fetch(demo_database, steps, application))[0]["n"] == 1


async def test_a_server_killed_mid_import_imports_nothing_and_the_retry_imports_once(
    server: Server, demo_database: str
) -> None:
    from tests.households.conftest import new_id
    from tests.households.test_excel import content_of, household_row, member_row, workbook

    [village] = await fetch(demo_database, "SELECT v.name FROM village v ORDER BY v.code LIMIT 1")
    numbers = [new_id(date(1931, 3, 1)) for _ in range(3)]
    book = workbook(
        [household_row(f"K-{n:03d}", 行政村=village["name"], 村民小组="") for n in range(3)],
        [member_row(f"K-{n:03d}", f"柯{n}", numbers[n]) for n in range(3)],
    )
    server.start()
    http, token = await logged_in(server, "admin")

    def send() -> Any:
        files = {"roster": ("roster.xlsx", content_of(book), "application/octet-stream")}
        return http.post("/households/import", data={"_csrf_token": token, "action": "import"}, files=files)

    # The test's own transaction writes a member with the last ID number first: the import's insert waits on the
    # unique index, after its households are written.
    [any_household] = await fetch(demo_database, "SELECT id FROM household ORDER BY id LIMIT 1")
    same_number = [
        (
            "INSERT INTO member (household, name, id_number, relation, initials, pinyin) VALUES ($1, '占位', $2,"
            " 'other', '', '')",
            (any_household["id"], numbers[-1]),
        )
    ]
    await kill_while_held(server, demo_database, same_number, send())
    imported = "SELECT count(*) AS n FROM household WHERE code LIKE 'K-%'"
    assert (await fetch(demo_database, imported))[0]["n"] == 0

    server.start()
    try:
        assert (await send()).status_code == 303
        assert (await send()).status_code == 422  # the codes exist now: the same file is refused, not doubled
    finally:
        await http.aclose()
        server.kill()
    assert (await fetch(demo_database, imported))[0]["n"] == 3


async def test_a_server_killed_mid_project_creation_makes_nothing_and_the_retry_makes_it_once(
    server: Server, demo_database: str
) -> None:
    from litestar.datastructures import FormMultiDict

    from server.once import sending_key
    from tests.projects.conftest import project_form

    [admin] = await fetch(demo_database, "SELECT id FROM app_user WHERE username = 'admin'")
    server.start()
    http, token = await logged_in(server, "admin")
    page = (await http.get("/projects/new")).text
    once = page.split('name="_once" value="', 1)[1].split('"', 1)[0]
    form = {**project_form(name="断电时新建的项目"), "_csrf_token": token, "_once": once}
    # The test's own transaction claims the form's key first: the app's claim waits on it, before any write.
    key = sending_key("/projects", FormMultiDict(form))
    same_token = [("INSERT INTO form_submission (token, app_user) VALUES ($1, $2)", (key, admin["id"]))]
    await kill_while_held(server, demo_database, same_token, http.post("/projects", data=form))
    made = "SELECT count(*) AS n FROM project WHERE name = '断电时新建的项目'"
    assert (await fetch(demo_database, made))[0]["n"] == 0

    server.start()
    try:
        first = await http.post("/projects", data=form)  # the same session and form, sent again
        again = await http.post("/projects", data=form)
        assert first.status_code == again.status_code == 303
        assert again.headers["location"] == first.headers["location"]
    finally:
        await http.aclose()
        server.kill()
    assert (await fetch(demo_database, made))[0]["n"] == 1


async def test_a_server_killed_mid_inspection_finding_keeps_no_finding_and_the_retry_lands_once(
    server: Server, demo_database: str
) -> None:
    from server.supervision.findings import LOCK_NAMESPACE as FINDING_LOCK

    [check] = await fetch(
        demo_database,
        "SELECT c.id, h.household FROM spot_check c JOIN spot_check_household h ON h.spot_check = c.id"
        " ORDER BY c.id DESC, h.household LIMIT 1",
    )
    [cadre] = await fetch(demo_database, "SELECT id FROM app_user WHERE username = 'cadre'")
    server.start()
    http, _ = await logged_in(server, "inspector")
    page = (await http.get(f"/checks/{check['id']}")).text
    client_id = page.split('name="client_id" value="', 1)[1].split('"', 1)[0]
    form = {
        "_csrf_token": csrf_token_of(page), "client_id": client_id, "household": str(check["household"]),
        "description": "明白卡未上墙", "responsible": str(cadre["id"]),
        "deadline": (clock.today() + timedelta(days=15)).isoformat(),
    }  # fmt: skip

    def send() -> Any:
        files = [("photos", ("a.png", PHOTO, "image/png"))]
        return http.post(f"/checks/{check['id']}/findings", data=form, files=files)

    await kill_while_held(server, demo_database, advisory(FINDING_LOCK, check["id"]), send())
    findings = "SELECT f.id, (SELECT count(*) FROM finding_photo p WHERE p.finding = f.id) AS photos FROM finding f"
    assert await fetch(demo_database, findings + " WHERE f.client_id = $1::uuid", client_id) == []

    server.start()
    try:
        first = await send()
        assert first.status_code in (201, 303), first.text[:300]
        second = await send()  # the phone did not hear the answer and sends it again
        assert second.status_code in (200, 303), second.text[:300]
    finally:
        await http.aclose()
        server.kill()
    [finding] = await fetch(demo_database, findings + " WHERE f.client_id = $1::uuid", client_id)
    assert finding["photos"] == 1
