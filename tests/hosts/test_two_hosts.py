"""Two app hosts behind one name: a cadre may be answered by either, and nothing breaks.

Each host is its own `bangfu serve` process with its own var directory; they share only PostgreSQL and the object
store. One cookie jar plays the browser behind a proxy that sends each request to whichever host it likes.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import PASSWORD, csrf_token_of
from tests.hosts.conftest import Host
from tests.visits.conftest import PHOTO

pytestmark = pytest.mark.slow


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    """Cookies for 127.0.0.1 go to every port, as they would to every host behind one proxy name."""
    with httpx.Client(timeout=30) as client:
        yield client


def log_in(browser: httpx.Client, host: Host, username: str, password: str = PASSWORD) -> httpx.Response:
    form = browser.get(f"{host.url}/login")
    token = csrf_token_of(form.text)
    return browser.post(f"{host.url}/login", data={"username": username, "password": password, "_csrf_token": token})


def first_household(browser: httpx.Client, host: Host) -> int:
    home = browser.get(f"{host.url}/")
    assert home.status_code == 200
    return int(re.findall(r'href="/households/(\d+)"', home.text)[0])


def visit_form(browser: httpx.Client, host: Host, household: int) -> dict[str, str]:
    page = browser.get(f"{host.url}/households/{household}/visits/new")
    assert page.status_code == 200
    client_id = page.text.split('name="client_id" value="', 1)[1].split('"', 1)[0]
    visited_at = page.text.split('name="visited_at" type="datetime-local" value="', 1)[1].split('"', 1)[0]
    return {"_csrf_token": csrf_token_of(page.text), "client_id": client_id, "visited_at": visited_at, "kind": "home"}


def test_a_cadre_logs_in_on_one_host_records_a_visit_with_a_photo_on_the_other_and_sees_it_on_the_first(
    two_hosts: list[Host], browser: httpx.Client
) -> None:
    a, b = two_hosts
    assert log_in(browser, a, "cadre").status_code == 303
    household = first_household(browser, b)  # the session made on A is known to B
    fields = visit_form(browser, a, household)  # the CSRF token comes from A ...
    fields["note"] = "两台主机都认得这次走访"
    saved = browser.post(
        f"{b.url}/households/{household}/visits", data=fields, files=[("photos", ("p.jpg", PHOTO, "image/jpeg"))]
    )  # ... and B accepts it
    assert saved.status_code == 303, saved.text[-500:]
    page = browser.get(a.url + saved.headers["location"])
    assert "两台主机都认得这次走访" in page.text
    assert "走访已保存" in page.text, "the flash message left by B is shown by A"
    photo_url = re.findall(r'src="(/media/visits/\d+/thumb)"', page.text)[0]
    from_a, from_b = browser.get(a.url + photo_url), browser.get(b.url + photo_url)
    assert from_a.status_code == from_b.status_code == 200
    assert from_a.content == from_b.content
    assert from_a.content[:3] == b"\xff\xd8\xff"
    for host in (a, b):  # nothing of it on either host's disk: the photo is in the shared bucket
        assert not (host.var_dir / "media").exists()
        assert not (host.var_dir / "secret_key").exists()


def test_the_phones_outbox_sends_once_whichever_host_answers(two_hosts: list[Host], browser: httpx.Client) -> None:
    a, b = two_hosts
    log_in(browser, b, "cadre")
    household = first_household(browser, a)
    session = browser.get(f"{a.url}/outbox/session", headers={"Accept": "application/json"}).json()
    fields = {**visit_form(browser, b, household), "client_id": str(uuid.uuid4()), "note": "离线时记下的走访"}
    fields["_csrf_token"] = session["csrf"]  # what the queue sends: the token A handed out ...
    headers = {"Accept": "application/json", "X-CSRFToken": session["csrf"]}
    photo = [("photos", ("p.jpg", PHOTO, "image/jpeg"))]
    first = browser.post(f"{b.url}/households/{household}/visits", data=fields, files=photo, headers=headers)
    again = browser.post(f"{a.url}/households/{household}/visits", data=fields, files=photo, headers=headers)
    assert (first.status_code, first.json()["status"]) == (201, "created")  # ... accepted by B
    assert (again.status_code, again.json()["status"]) == (200, "repeated"), "the retry reached the other host"
    assert again.json()["visit"] == first.json()["visit"]
    assert again.json()["photos"] == 1


def test_the_login_lockout_counts_failures_on_every_host(two_hosts: list[Host], browser: httpx.Client) -> None:
    a, b = two_hosts
    for host in (a, b, a, b, a):  # five wrong passwords, spread over both hosts
        assert log_in(browser, host, "employer", "Wrong@2026x").status_code == 401
    refused = log_in(browser, b, "employer")  # now even the right password waits
    assert refused.status_code == 401
    assert "账号已锁定" in refused.text


def test_every_answer_carries_a_request_id_that_the_hosts_json_log_records(
    two_hosts: list[Host], browser: httpx.Client
) -> None:
    a, _ = two_hosts
    mine = uuid.uuid4().hex
    answer = browser.get(f"{a.url}/login", headers={"X-Request-ID": mine})
    assert answer.headers["x-request-id"] == mine, "the proxy's id is kept"
    assert re.fullmatch(r"[0-9a-f]{32}", browser.get(f"{a.url}/login").headers["x-request-id"]), "else one is made"
    lines = [json.loads(line) for line in (a.var_dir.parent / "a.log").read_text().splitlines() if line.startswith("{")]
    [line] = [line for line in lines if line.get("request_id") == mine]
    assert (line["logger"], line["route"], line["status"], line["method"]) == ("bangfu.access", "/login", 200, "GET")
