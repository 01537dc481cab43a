"""Which pages the service worker may keep offline (a cadre's own masked pages); the outbox and its session check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from server.accounts.tables import User
from server.clock import today
from server.visits import queries
from tests.helpers import log_in
from tests.visits.conftest import make_household, send_visit

KEEP = "x-bangfu-offline"
USER = "x-bangfu-data-cache"


async def test_a_cadres_home_list_and_visit_form_may_be_kept_in_the_cadres_own_cache(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = f"/households/{world['monitored']}"
    for path in ("/", "/households?q=张", f"{household}/visits/new", household, f"{household}/timeline", "/outbox"):
        page = await as_wang.get(path)
        assert page.status_code == 200, path
        assert (page.headers.get(KEEP), page.headers.get(USER)) == ("keep", f"bangfu-data-{world['wang']}"), path


async def test_other_pages_fragments_and_answers_are_never_kept(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    ledger = await as_wang.get("/visits/ledger/monthly")
    fragment = await as_wang.get("/households?q=张", headers={"HX-Request": "true", "HX-Target": "results"})
    session = await as_wang.get("/outbox/session")
    assert ledger.status_code == 200
    assert KEEP not in ledger.headers
    assert USER in ledger.headers  # says whose pages these are, so another user's kept pages are dropped
    assert fragment.status_code == 200
    assert KEEP not in fragment.headers
    assert USER not in fragment.headers
    assert KEEP not in session.headers


async def test_a_leaders_pages_are_not_kept(client: httpx.AsyncClient, world: dict[str, int]) -> None:
    await log_in(client, "boss")
    home = await client.get("/")
    assert home.status_code == 200
    assert KEEP not in home.headers
    assert home.headers[USER] == f"bangfu-data-{world['leader']}"


async def test_nobody_logged_in_gets_no_cache_name(client: httpx.AsyncClient) -> None:
    login = await client.get("/login")
    assert KEEP not in login.headers
    assert USER not in login.headers


async def test_the_outbox_page_is_drawn_for_the_phones_queue(as_wang: httpx.AsyncClient) -> None:
    page = await as_wang.get("/outbox")
    assert page.status_code == 200
    assert "data-outbox-list" in page.text
    assert "data-outbox-sync" in page.text


async def test_waiting_to_send_is_in_the_header_only_of_those_whose_phone_queues(
    as_wang: httpx.AsyncClient, client: httpx.AsyncClient, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("inspector", username="insp")
    await make_user("county", username="xian", township_id=None, county_id=township["county"])
    link = 'href="/outbox" data-outbox-link'
    assert link in (await as_wang.get("/")).text, "a cadre queues visits"
    for username, queues in (("insp", True), ("xian", False)):
        await log_in(client, username)
        home = await client.get("/")
        assert home.status_code == 200, username
        assert (link in home.text) is queues, username
        assert (await client.get("/outbox")).status_code == (200 if queues else 403), username


async def test_the_session_check_gives_the_queue_a_csrf_token(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    answer = await as_wang.get("/outbox/session")
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["status"] == "ok"
    assert answer.json()["user"] == world["wang"]
    assert answer.json()["csrf"]


async def test_without_a_session_the_check_sends_the_phone_to_login(client: httpx.AsyncClient) -> None:
    answer = await client.get("/outbox/session", headers={"Accept": "application/json"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


async def test_the_phone_is_told_every_paired_households_pages_and_the_budget(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    plan = (await as_wang.get("/outbox/pages")).json()
    household = f"/households/{world['monitored']}"
    assert {"/", "/outbox", "/follow-ups", f"{household}/visits/new", household, f"{household}/timeline"} <= set(
        plan["pages"]
    )
    assert plan["budget_bytes"] == 8 * 1024 * 1024
    assert plan["cache"] == f"bangfu-data-{world['wang']}"
    for path in plan["pages"]:  # every page it lists is one the server lets the phone keep
        assert (await as_wang.get(path)).headers.get(KEEP) == "keep", path


async def test_the_phone_keeps_the_households_the_cadres_follow_ups_due_take_them_to_and_the_homes_lists(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    """易红霞's follow-up is the cadre's and overdue, but her household is paired with someone else: the home sent the
    cadre to a page the phone did not keep."""
    await User.update({User.village: world["village"]}).where(User.id == world["wang"])  # a village cadre
    neighbour = await make_household(world["village"], "易红霞")
    await queries.create_follow_up(neighbour, today() - timedelta(days=3), "measure", cadre_id=world["wang"])
    plan = (await as_wang.get("/outbox/pages")).json()
    household = f"/households/{neighbour}"
    assert {f"{household}/visits/new", household, f"{household}/timeline"} <= set(plan["pages"])
    assert {"/follow-ups?days=0", "/visits"} <= set(plan["pages"]), "what the home's figures and the 走访 tab open"
    for path in plan["pages"]:
        assert (await as_wang.get(path)).headers.get(KEEP) == "keep", path


async def test_a_leader_is_told_no_pages_to_keep(client: httpx.AsyncClient, world: dict[str, int]) -> None:
    await log_in(client, "boss")
    assert (await client.get("/outbox/pages")).json()["pages"] == []


async def test_pages_kept_in_the_background_leave_the_flash_for_the_page_the_cadre_opens(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    sent = await send_visit(as_wang, world["monitored"], {"note": "送去米面油"})
    kept = await as_wang.get(f"/households/{world['monitored']}", headers={"X-Bangfu-Keeping": "1"})
    opened = await as_wang.get(sent.headers["location"])
    assert kept.status_code == 200
    assert "走访已保存" not in kept.text, "a kept page never carries a message meant for now"
    assert "走访已保存" in opened.text
