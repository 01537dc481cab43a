"""脱贫退出 as the national procedure: each step with its rules, and the status follows only from the steps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from server.audit.tables import AuditEvent
from server.clock import today
from server.county.tables import SubmissionItem
from server.exits.tables import ExitCase, ExitObjection, ExitStep
from server.households.tables import Household
from server.monitoring.events import record_status_event
from server.monitoring.tables import StatusEvent
from server.places.tables import County
from tests.helpers import csrf_token_of, log_in
from tests.monitoring.test_next_on import next_on

CHECK = {"food_clothing_ok": "yes", "schooling_ok": "yes", "medical_ok": "yes", "housing_ok": "yes",
         "water_ok": "yes", "household_agreed": "yes"}  # fmt: skip


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


async def post(client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, str]) -> httpx.Response:
    page = await client.get(page_url)
    assert page.status_code == 200, page_url
    return await client.post(action, data={**data, "_csrf_token": csrf_token_of(page.text)})


async def start(client: httpx.AsyncClient, household: int, **fields: str) -> httpx.Response:
    data = {"household": str(household), "checked_on": day(-20), "income": "6000", **CHECK, **fields}
    return await post(client, f"/exits/new?household={household}", "/exits", data)


async def status_of(household: int) -> str:
    row = await Household.select(Household.status).where(Household.id == household).first()
    assert row is not None
    return str(row["status"])


async def test_an_exit_takes_every_step_and_only_the_announcement_marks_the_household_out(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    household = world["ready"]
    await log_in(client, "xadmin")
    answer = await start(client, household)
    assert answer.status_code == 303
    case_id = int(answer.headers["location"].rsplit("/", 1)[1])
    url = f"/exits/{case_id}"
    appraisal = {"appraised_on": day(-15), "representatives_present": "25", "votes_for": "24", "votes_against": "1",
                 "passed": "yes"}  # fmt: skip
    assert (await post(client, url, f"{url}/appraise", appraisal)).status_code == 303
    notice = {"starts_on": day(-10), "ends_on": day(-2), "posted_at": "村委会公示栏"}
    assert (await post(client, url, f"{url}/notice", notice)).status_code == 303
    objection = {"received_on": day(-5), "content": "该户儿子在外务工收入不稳定", "raised_by": "村民"}
    assert (await post(client, url, f"{url}/objections", objection)).status_code == 303
    review = {"on": day(0), "passed": "yes", "note": ""}
    refused = await post(client, url, f"{url}/review", review)
    assert refused.status_code == 409
    assert "异议尚未答复" in refused.text or "data-refusal" in refused.text
    [row] = await ExitObjection.select(ExitObjection.id)
    reply = {"answer": "经核实已签订一年劳动合同，收入稳定", "answered_on": day(-1)}
    assert (await post(client, url, f"{url}/objections/{row['id']}/answer", reply)).status_code == 303
    assert (await post(client, url, f"{url}/review", review)).status_code == 303
    assert await status_of(household) == "not_out"  # nothing but the announcement changes it

    case_page = (await client.get(url)).text
    assert 'id="send-exit-form"' in case_page
    sent = await post(client, url, f"/submissions/exits/{case_id}", {})
    assert sent.status_code == 303
    list_url = sent.headers["location"].replace("/submissions/", "/county/lists/")
    assert 'id="county-list"' in (await client.get(url)).text

    await log_in(client, "xcounty")
    assert (await client.get(f"/county/exits/{case_id}")).status_code == 404, "no way round the list"
    listed = (await client.get(list_url)).text
    assert "刘富" in listed
    assert "6000" in listed, "the income against the line is on the list"
    [item] = await SubmissionItem.select(SubmissionItem.id)
    decision = {"on": day(0), "document": "平扶发〔2026〕12号", f"decision_{item['id']}": "approve"}
    assert (await post(client, list_url, f"{list_url}/decision", decision)).status_code == 303
    assert await status_of(household) == "not_out"
    dates = {"starts_on": day(0), "ends_on": day(6)}
    assert (await post(client, list_url, f"{list_url}/announcement", dates)).status_code == 303
    printed = (await client.get(f"{list_url}/announcement")).text
    assert "刘富" in printed

    assert await status_of(household) == "out_supported"
    [event] = await StatusEvent.select().where(StatusEvent.household == household)
    assert (event["status_to"], event["happened_on"], event["source"], event["people"]) == (
        "out_supported", today(), "exit", 2
    ), "the dated event the rate by year counts"  # fmt: skip
    steps = await ExitStep.select(ExitStep.step).where(ExitStep.case == case_id).order_by(ExitStep.id)
    assert [s["step"] for s in steps] == ["check", "appraise", "notice", "review", "approve", "announce"]
    change = (
        await AuditEvent.select(AuditEvent.detail)
        .where((AuditEvent.action == "household_changed") & (AuditEvent.target_id == str(household)))
        .output(load_json=True)
        .first()
    )
    assert change is not None
    assert change["detail"]["step"] == "announce"
    assert change["detail"]["exit_case"] == case_id


async def test_an_exit_below_the_line_or_with_an_unmet_item_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    await log_in(client, "xadmin")
    below = await start(client, world["poor"], income="3000")
    assert below.status_code == 409
    assert "低于" in below.text
    unmet = await start(client, world["ready"], housing_ok="no")
    assert unmet.status_code == 409
    unanswered = await start(client, world["ready"], water_ok="")
    assert unanswered.status_code == 422
    not_poor = await start(client, world["out"], income="9000")
    assert not_poor.status_code == 409
    assert await ExitCase.count() == 0
    assert await ExitStep.count() == 0


async def test_a_step_out_of_order_and_a_second_open_case_are_refused(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    await log_in(client, "xadmin")
    first = await start(client, world["ready"])
    case_id = int(first.headers["location"].rsplit("/", 1)[1])
    url = f"/exits/{case_id}"
    out_of_order = await post(client, url, f"{url}/review", {"on": day(0), "passed": "yes", "note": ""})
    assert out_of_order.status_code == 409
    assert "尚未完成" in out_of_order.text
    second = await start(client, world["ready"])
    assert second.status_code == 409
    assert await ExitCase.count() == 1
    too_few = {"appraised_on": day(-15), "representatives_present": "5", "votes_for": "5", "votes_against": "0",
               "passed": "yes"}  # fmt: skip
    assert (await post(client, url, f"{url}/appraise", too_few)).status_code == 422


async def reviewed_case(household: int) -> int:
    [case] = await ExitCase.insert(
        ExitCase(
            household=household,
            year=today().year,
            state="reviewed",
            checked_on=today() - timedelta(days=20),
            per_capita_income=6000,
            poverty_line=4600,
            food_clothing_ok=True,
            schooling_ok=True,
            medical_ok=True,
            housing_ok=True,
            water_ok=True,
            household_agreed=True,
            reviewed_on=today(),
        )
    ).returning(ExitCase.id)
    return int(case["id"])


async def test_the_county_sends_an_exit_back_with_its_reason_and_the_township_reads_it_on_list_and_case(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    case_id = await reviewed_case(world["ready"])
    await log_in(client, "xadmin")
    lists = (await client.get("/submissions")).text
    assert 'id="submit-exits-form"' in lists
    sent = await post(client, "/submissions", "/submissions", {"kind": "exit"})
    assert sent.status_code == 303
    list_id = int(sent.headers["location"].rsplit("/", 1)[1])
    form_page = f"/exits/new?household={world['poor']}"
    again = await post(client, form_page, f"/submissions/exits/{case_id}", {})
    assert again.status_code == 409, "an exit awaits the county on one list only"

    await log_in(client, "xcounty")
    list_url = f"/county/lists/{list_id}"
    [item] = await SubmissionItem.select(SubmissionItem.id)
    reason = "务工收入证明不全，请补充劳动合同"
    data = {"on": day(0), "document": "", f"decision_{item['id']}": "return", f"reason_{item['id']}": reason}
    assert (await post(client, list_url, f"{list_url}/decision", data)).status_code == 303
    case = await ExitCase.select().where(ExitCase.id == case_id).first()
    assert case is not None
    assert (case["state"], case["refused_reason"]) == ("refused", reason)
    assert await status_of(world["ready"]) == "not_out"
    audited = (
        await AuditEvent.select(AuditEvent.detail)
        .where(AuditEvent.action == "county_decided")
        .output(load_json=True)
        .first()
    )
    assert audited is not None
    assert [row["head_name"] for row in audited["detail"]["list"]] == ["刘富"], "the list as it stood"
    assert audited["detail"]["decisions"][0]["reason"] == reason
    assert 'id="announcement-form"' not in (await client.get(list_url)).text, "nothing approved to announce"

    await log_in(client, "xadmin")
    assert reason in (await client.get(f"/submissions/{list_id}")).text
    assert reason in (await client.get(f"/exits/{case_id}")).text


async def test_an_announcement_dated_before_the_approval_marks_nobody_out(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    case_id = await reviewed_case(world["ready"])
    await log_in(client, "xadmin")
    list_id = int((await post(client, f"/exits/{case_id}", f"/submissions/exits/{case_id}", {})).headers[
        "location"
    ].rsplit("/", 1)[1])  # fmt: skip
    await log_in(client, "xcounty")
    list_url = f"/county/lists/{list_id}"
    [item] = await SubmissionItem.select(SubmissionItem.id)
    decision = {"on": day(0), "document": "平扶发〔2026〕13号", f"decision_{item['id']}": "approve"}
    assert (await post(client, list_url, f"{list_url}/decision", decision)).status_code == 303
    early = await post(client, list_url, f"{list_url}/announcement", {"starts_on": day(-3), "ends_on": day(3)})
    assert early.status_code == 409
    assert await status_of(world["ready"]) == "not_out"
    state = await ExitCase.select(ExitCase.state).where(ExitCase.id == case_id).first()
    assert state == {"state": "approved"}


async def test_another_countys_office_cannot_see_or_decide_the_exit(
    client: httpx.AsyncClient, world: dict[str, Any], make_user: Any
) -> None:
    other = County(name="费县", code="371325000000")
    await other.save()
    await make_user("county", username="othercounty", township_id=None, county_id=other.id)
    case_id = await reviewed_case(world["ready"])
    await log_in(client, "xadmin")
    sent = await post(client, f"/exits/{case_id}", f"/submissions/exits/{case_id}", {})
    list_id = int(sent.headers["location"].rsplit("/", 1)[1])
    await log_in(client, "othercounty")
    assert (await client.get(f"/county/lists/{list_id}")).status_code == 404
    assert f"/county/lists/{list_id}" not in (await client.get("/county/lists")).text


async def test_an_announced_exit_is_chained_after_the_households_earlier_exit(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    """The announcement records the event; the household's earlier exit then keeps its day as `next_on`
    (tests/monitoring/test_next_on.py)."""
    household = world["ready"]
    earlier = today().replace(month=1, day=1) - timedelta(days=400)
    await record_status_event(household, "not_out", "out_supported", earlier, "exit", 9001)
    await record_status_event(household, "out_supported", "returned", earlier + timedelta(days=200), "monitoring", 9101)
    case_id = await reviewed_case(household)
    await log_in(client, "xadmin")
    sent = await post(client, f"/exits/{case_id}", f"/submissions/exits/{case_id}", {})
    list_url = sent.headers["location"].replace("/submissions/", "/county/lists/")
    await log_in(client, "xcounty")
    [item] = await SubmissionItem.select(SubmissionItem.id)
    decision = {"on": day(0), "document": "平扶发〔2026〕14号", f"decision_{item['id']}": "approve"}
    assert (await post(client, list_url, f"{list_url}/decision", decision)).status_code == 303
    dates = {"starts_on": day(0), "ends_on": day(6)}
    assert (await post(client, list_url, f"{list_url}/announcement", dates)).status_code == 303
    assert await next_on(household) == [
        ("out_supported", earlier, today()),
        ("returned", earlier + timedelta(days=200), None),
        ("out_supported", today(), None),
    ]
