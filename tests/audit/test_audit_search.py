"""Admins search their township's audit trail: filters, scope, newest first with keyset pages, masked details."""

from __future__ import annotations

import re
from typing import Any

import pytest

from server.audit.actions import DOOR_CARD
from server.audit.search import PAGE_SIZE
from server.audit.tables import AuditEvent
from server.county.tables import Submission as CountySubmission
from server.places.tables import Township
from server.reports.tables import PublicReport
from tests.audit.conftest import add_event
from tests.helpers import csrf_token_of, log_in

FULL_ID = "371326198005011234"


def ids_on(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'id="event-(\d+)"', html)]


@pytest.fixture
async def admin(client: Any, towns: dict[str, int]) -> Any:
    await log_in(client, "office")
    return client


async def test_an_admin_sees_the_events_of_the_townships_people_and_households_only(
    admin: Any, towns: dict[str, int]
) -> None:
    by_worker = await add_event("visit_recorded", towns["worker"], "worker", target_type="visit", target_id=7)
    by_far = await add_event("login", towns["far"], "far")
    # Someone of another township changed one of our households: it belongs to us too.
    on_ours = await add_event("household_changed", towns["far"], "far", target_type="household",
                              target_id=towns["household"])  # fmt: skip
    on_theirs = await add_event("household_changed", towns["far"], "far", target_type="household",
                                target_id=towns["far_household"])  # fmt: skip
    shown = ids_on((await admin.get("/audit")).text)
    assert by_worker in shown
    assert on_ours in shown
    assert by_far not in shown
    assert on_theirs not in shown


async def test_what_someone_told_the_township_without_an_account_is_on_its_trail_only(
    admin: Any, towns: dict[str, int]
) -> None:
    ours = PublicReport(kind="help", township=towns["township"], category="illness", text="家里老人病了")
    theirs = PublicReport(kind="help", township=towns["other"], category="illness", text="家里老人病了")
    await ours.save()
    await theirs.save()
    on_ours = await add_event("public_report_received", None, DOOR_CARD, target_type="public_report",
                              target_id=ours.id, detail={"kind": "help", "category": "illness"})  # fmt: skip
    on_theirs = await add_event("public_report_received", None, DOOR_CARD, target_type="public_report",
                                target_id=theirs.id, detail={"kind": "help", "category": "illness"})  # fmt: skip
    page = (await admin.get("/audit")).text
    assert on_ours in ids_on(page)
    assert on_theirs not in ids_on(page)
    assert f'href="/reports/{ours.id}"' in page  # the report itself, to read and answer
    token = csrf_token_of((await admin.get("/me")).text)
    assert (await admin.post(f"/audit/{on_theirs}/reveal", data={"_csrf_token": token})).status_code == 404


async def test_the_county_offices_decision_on_the_townships_list_is_on_the_townships_trail_only(
    admin: Any, towns: dict[str, int], make_user: Any
) -> None:
    county = (await Township.select(Township.county).where(Township.id == towns["township"]).first())["county"]
    office = await make_user("county", username="countyoffice", township_id=None, county_id=county)
    ours = CountySubmission(township=towns["township"], kind="identification")
    theirs = CountySubmission(township=towns["other"], kind="identification")
    await ours.save()
    await theirs.save()
    on_ours = await add_event("county_decided", office, "countyoffice", target_type="county_submission",
                              target_id=ours.id)  # fmt: skip
    on_theirs = await add_event("county_decided", office, "countyoffice", target_type="county_submission",
                                target_id=theirs.id)  # fmt: skip
    shown = ids_on((await admin.get("/audit")).text)
    assert on_ours in shown
    assert on_theirs not in shown


async def test_failed_logins_of_unknown_usernames_are_only_counted(admin: Any, towns: dict[str, int]) -> None:
    await add_event("login_failed", None, "Secret@Pass1", detail={"reason": "unknown_user"})
    await add_event("login_failed", None, "nobody", detail={"reason": "unknown_user"})
    page = await admin.get("/audit")
    assert "Secret@Pass1" not in page.text
    assert "nobody" not in page.text
    assert "另有2条不存在的用户名的记录" in page.text


async def test_the_newest_come_first_and_older_pages_follow_without_overlap(admin: Any, towns: dict[str, int]) -> None:
    written = [await add_event("login", towns["worker"], "worker") for _ in range(PAGE_SIZE + 10)]
    first = await admin.get("/audit?action=login&actor=worker")
    first_ids = ids_on(first.text)
    assert first_ids == sorted(written, reverse=True)[:PAGE_SIZE]
    more = re.search(r'href="(/audit\?[^"]*before=\d+[^"]*)"', first.text)
    assert more, "no link to older entries"
    second = await admin.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert "<html" not in second.text, "htmx gets only the older rows"
    assert ids_on(second.text) == sorted(written, reverse=True)[PAGE_SIZE:]


async def test_filters_by_action_actor_target_and_dates(admin: Any, towns: dict[str, int]) -> None:
    household = towns["household"]
    login = await add_event("login", towns["worker"], "worker", days_ago=0)
    old_login = await add_event("login", towns["worker"], "worker", days_ago=20)
    by_office = await add_event("logout", towns["office"], "office")
    member = await add_event("reveal_id_number", towns["office"], "office", target_type="member", target_id=55,
                             detail={"household": household})  # fmt: skip
    changed = await add_event("household_changed", towns["office"], "office", target_type="household",
                              target_id=household)  # fmt: skip
    assert set(ids_on((await admin.get("/audit?action=login&actor=worker")).text)) == {login, old_login}
    assert by_office in ids_on((await admin.get("/audit?actor=OFFICE")).text)
    assert login not in ids_on((await admin.get("/audit?actor=office")).text)
    assert set(ids_on((await admin.get(f"/audit?target_type=household&target_id={household}")).text)) == {
        member,
        changed,
    }
    assert ids_on((await admin.get("/audit?target_type=member&target_id=55")).text) == [member]
    old = await admin.get("/audit?action=login&actor=worker&from=2000-01-01&to=" + _days_ago(10))
    assert ids_on(old.text) == [old_login]


def _days_ago(days: int) -> str:
    from datetime import datetime, timedelta

    from server.clock import TIMEZONE

    return (datetime.now(TIMEZONE) - timedelta(days=days)).date().isoformat()


async def test_each_entry_shows_who_when_what_target_and_ip_in_chinese(admin: Any, towns: dict[str, int]) -> None:
    await add_event("pairing_started", towns["worker"], "worker", target_type="household",
                    target_id=towns["household"], ip="192.0.2.7")  # fmt: skip
    await add_event("something_new", towns["worker"], "worker")
    page = (await admin.get("/audit")).text
    assert "开始结对" in page
    assert "192.0.2.7" in page
    assert "测试用户 (worker)" in page
    assert f'href="/households/{towns["household"]}"' in page
    assert "something_new" in page, "an unknown action is shown by its stored name"


async def test_id_numbers_in_details_are_masked_until_an_audited_reveal(admin: Any, towns: dict[str, int]) -> None:
    event = await add_event("member_changed", towns["office"], "office", target_type="household",
                            target_id=towns["household"], detail={"changes": {"id_number": ["", FULL_ID]}})  # fmt: skip
    page = await admin.get("/audit")
    assert FULL_ID not in page.text
    assert "371326********1234" in page.text
    revealed = await admin.post(f"/audit/{event}/reveal", data={"_csrf_token": csrf_token_of(page.text)})
    assert revealed.status_code == 200
    assert FULL_ID in revealed.text
    reveal = await AuditEvent.select().where(AuditEvent.action == "reveal_audit_detail").first()
    assert reveal["target_type"] == "audit_event"
    assert reveal["target_id"] == str(event)
    assert reveal["actor"] == towns["office"]


async def test_another_townships_entry_cannot_be_revealed(admin: Any, towns: dict[str, int]) -> None:
    theirs = await add_event("login", towns["far"], "far", detail={"note": FULL_ID})
    token = csrf_token_of((await admin.get("/me")).text)
    assert (await admin.post(f"/audit/{theirs}/reveal", data={"_csrf_token": token})).status_code == 404


async def test_only_admins_search_the_audit_trail(client: Any, towns: dict[str, int], make_user: Any) -> None:
    await make_user("leader", username="lead")
    await log_in(client, "lead")
    assert (await client.get("/audit")).status_code == 403
    assert (await client.get("/audit/export.xlsx")).status_code == 403
