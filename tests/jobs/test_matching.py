"""Candidates for a job and jobs for a member: ranked by plain rules, with reasons, within the cadre's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from server.jobs.tables import JobPost, MemberWish, Training, TrainingEnrolment
from server.policy.registry import WORKING_AGE_MAX, WORKING_AGE_MIN
from tests.helpers import log_in, record_rule, statements_of

DEFAULT_AGES = (WORKING_AGE_MIN.default, WORKING_AGE_MAX.default)  # the world records no rule of its own


async def test_cadre_sees_ranked_candidates_of_their_households_with_reasons(
    client: httpx.AsyncClient, world: Any
) -> None:
    training = Training(township=world["township"], topic="skills", title="缝纫技能培训", work_kind="garment",
                        held_on=date(2026, 3, 1))  # fmt: skip
    await training.save()
    await TrainingEnrolment.insert(TrainingEnrolment(training=training.id, member=world["worker"], attended=True))
    await MemberWish.insert(MemberWish(member=world["worker"], work_kinds=["garment"], expected_wage=2800))
    await log_in(client, "wang")
    page = await client.get(f"/jobs/{world['job']}")
    assert page.status_code == 200
    text = page.text
    assert text.index("张三") < text.index("张老"), "the trained member who wants this work comes first"
    for reason in ("Trained for this work", "Wants this kind of work", "Wage meets expectation", "Not yet employed"):
        assert reason in text or _zh(reason) in text
    assert "王五" not in text, "a member of another cadre's household"
    assert "李梅" not in text, "a member who cannot work is not a candidate"
    assert "张小" not in text, "a child is not a candidate"


def _zh(msgid: str) -> str:
    from server.i18n import translations

    return translations("zh_CN").gettext(msgid)


async def test_leader_sees_candidates_of_the_whole_township(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "lead")
    page = await client.get(f"/jobs/{world['job']}")
    assert "张三" in page.text
    assert "王五" in page.text


async def test_distance_to_the_job_counts_when_both_places_are_known(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "lead")
    from piccolo.querystring import QueryString

    from server.clock import today
    from server.jobs.matching import candidates_for_job

    rows = await candidates_for_job(world["job"], QueryString("TRUE"), today(), DEFAULT_AGES)
    by_name = {row["name"]: row for row in rows}
    assert by_name["张三"]["distance_km"] == 0
    assert by_name["王五"]["distance_km"] > 15


async def test_a_member_sees_open_jobs_ranked_for_them(client: httpx.AsyncClient, world: Any) -> None:
    await MemberWish.insert(MemberWish(member=world["worker"], work_kinds=["logistics"], leave_county=True))
    await JobPost.update({JobPost.outside_county: True}).where(JobPost.id == world["other_job"])
    await log_in(client, "wang")
    page = await client.get(f"/jobs/members/{world['worker']}")
    assert page.status_code == 200
    assert page.text.index("货车司机") < page.text.index("缝纫工"), "the wished kind of work ranks first"


async def test_cadre_cannot_open_a_member_of_another_cadres_household(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    assert (await client.get(f"/jobs/members/{world['other_worker']}")).status_code == 404


async def test_cadre_records_a_members_wishes(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    page = await client.get(f"/jobs/members/{world['worker']}")
    token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = await client.post(
        f"/jobs/members/{world['worker']}/wish",
        data={"work_kinds": ["garment", "food"], "expected_wage": "3000", "leave_county": "1", "_csrf_token": token},
    )
    assert answer.status_code == 303
    wish = await MemberWish.select().where(MemberWish.member == world["worker"]).first()
    assert wish["work_kinds"] == ["garment", "food"]
    assert wish["expected_wage"] == 3000
    assert wish["leave_county"]
    bad = await client.post(
        f"/jobs/members/{world['worker']}/wish", data={"work_kinds": ["spaceflight"], "_csrf_token": token}
    )
    assert bad.status_code == 422


async def test_a_short_list_ranks_exactly_like_scoring_everyone(world: Any) -> None:
    """The plain members are cut to the top rows before the special ones join: the cut must not change the order."""
    from piccolo.querystring import QueryString

    from server.clock import today
    from server.jobs.matching import candidates_for_job
    from server.jobs.tables import Placement, Referral
    from tests.jobs.conftest import id_number, make_household

    skills = ("normal", "skilled", "weak")
    people = [
        {"name": f"候选{n}", "id_number": id_number(18 + 3 * n), "labour_skill": skills[n % 3]} for n in range(14)
    ]
    _, near = await make_household(world["village"], people[:7], status="not_out")
    _, far = await make_household(world["far_village"], people[7:], status="not_out")
    working = Referral(job=world["other_job"], member=near[0], consent=True, status="hired")
    await working.save()  # a skilled, nearby young man already at work: high on the plain rules, lower in full
    await Placement.insert(Placement(referral=working.id, start_date=date(2026, 6, 1), monthly_wage=3000))
    await MemberWish.insert(MemberWish(member=far[1], work_kinds=["garment"]))
    await TrainingEnrolment.insert(
        TrainingEnrolment(training=(await _garment_training(world)), member=far[2], attended=True)
    )

    everyone = await candidates_for_job(world["job"], QueryString("TRUE"), today(), DEFAULT_AGES, limit=100)
    for limit in (1, 3, 5, 8):
        short = await candidates_for_job(world["job"], QueryString("TRUE"), today(), DEFAULT_AGES, limit=limit)
        assert [row["member_id"] for row in short] == [row["member_id"] for row in everyone[:limit]]
    assert len({row["member_id"] for row in everyone}) == len(everyone), "nobody is listed twice"
    at_work = next(row for row in everyone if row["member_id"] == near[0])
    assert at_work["employed"], "scored in full, with the job they hold"


async def _garment_training(world: Any) -> int:
    training = Training(township=world["township"], topic="skills", title="缝纫", work_kind="garment",
                        held_on=date(2026, 3, 1))  # fmt: skip
    await training.save()
    return int(training.id)


async def test_a_jobs_candidates_are_of_the_working_ages_the_township_recorded_and_the_page_says_so(
    client: httpx.AsyncClient, world: Any
) -> None:
    await record_rule(WORKING_AGE_MAX, 50, township=world["township"])
    await log_in(client, "wang")
    text = (await client.get(f"/jobs/{world['job']}")).text
    assert "张三" in text, "35 years old"
    assert "张老" not in text, "58 years old: above the township's 50"
    assert "16-50" in text, "the page states the township's ages, not the default 16-60"


async def test_a_jobs_candidates_take_the_same_three_statements_however_many_members_there_are(
    client: httpx.AsyncClient, world: Any, caplog: Any
) -> None:
    from tests.jobs.conftest import id_number, make_household

    await log_in(client, "lead")
    before = await statements_of(client, f"/jobs/{world['job']}", caplog)
    people = [{"name": f"候选{n}", "id_number": id_number(20 + n), "labour_skill": "normal"} for n in range(12)]
    _, members = await make_household(world["village"], people, status="not_out")
    await MemberWish.insert(MemberWish(member=members[0], work_kinds=["garment"]))
    assert "候选0" in (await client.get(f"/jobs/{world['job']}")).text
    # the session's user, the job with its township's working ages, the ranked candidates
    assert before == await statements_of(client, f"/jobs/{world['job']}", caplog) == 3
