"""Demo identification: applications in every state in three villages of the demo township, and its notice office."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import asyncpg

from server import clock
from server.accounts.tables import User
from server.county import submissions
from server.county.tables import SubmissionItem
from server.demo.geography import DEMO_TOWNSHIP_CODE
from server.identification import applying, steps
from server.identification.steps import Actor
from server.identification.tables import IdentificationSettings
from server.places.tables import Township

# Per village, the state each demo application is taken to ("ended"/"open" notices: before or after their end).
PLANS = (
    ("registered", "noticed_ended", "applied", "struck_out"),
    ("preliminary", "surveyed", "appraised"),
    ("noticed_open", "applied", "approved"),
)
OFFICE = {
    "office_name": "临涧镇扶贫办",
    "office_address": "平邑县临涧镇人民政府院内 扶贫工作站",
    "office_phone": "0539-4521234",
}

_CANDIDATES = """
SELECT h.id AS household, h.member_count, v.id AS village_id, v.code, v.name, v.population, v.key_level
FROM household h JOIN village v ON v.id = h.village
WHERE v.township = $1 AND h.status = 'none'
ORDER BY v.key_level = '', v.code, h.code
"""


async def identification_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    """Only the demo township gets applications (the county-scale townships stay without)."""
    township = (
        await Township.select(Township.id)
        .where(Township.id.is_in(township_ids or [-1]) & (Township.code == DEMO_TOWNSHIP_CODE))
        .first()
    )
    admin = await User.select(User.id, User.username).where(User.username == "admin").first()
    county = await User.select(User.id, User.username).where(User.username == "county").first()
    if township is None or admin is None:
        return Counter()
    settings = IdentificationSettings(township=township["id"])
    for name, value in OFFICE.items():
        setattr(settings, name, value)
    await IdentificationSettings.insert(settings)
    by_village: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await connection.fetch(_CANDIDATES, township["id"]):
        by_village[row["village_id"]].append(dict(row))
    villages = sorted(by_village.values(), key=len, reverse=True)[: len(PLANS)]  # the most candidates first
    actor = Actor(id=admin["id"], label=admin["username"])
    # The county's decisions are its office's, as in the trail of a real county (the admin's when it has none).
    county_actor = Actor(id=county["id"], label=county["username"]) if county else actor
    added = 0
    for plan, rows in zip(PLANS, villages, strict=False):
        village = {
            "id": rows[0]["village_id"],
            "township": township["id"],
            "code": rows[0]["code"],
            "population": rows[0]["population"],
        }
        for state, candidate in zip(plan, rows, strict=False):
            await _take_to(actor, county_actor, village, candidate, state)
            added += 1
    return Counter({"条识别申请": added})


async def _take_to(actor: Actor, county: Actor, village: dict[str, Any], candidate: dict[str, Any], state: str) -> None:
    """The candidate household's application taken to `state`; the survey finds the members the register holds."""
    today = clock.today()
    app_id = await applying.apply_for_household(
        actor,
        village,
        {"household": candidate["household"], "reason": "家庭收入低，申请识别为贫困户", "declared_income": None},
    )
    order = ["applied", "surveyed", "preliminary", "appraised", "noticed", "reviewed", "approved", "registered"]
    target = "noticed" if state.startswith("noticed") else state
    if target == "applied":
        return
    team = ["张建华", "李红梅", "王守田"]
    eligible = state != "struck_out"
    await steps.survey(
        actor,
        app_id,
        {
            "team": team,
            "surveyed_on": today - timedelta(days=40),
            "findings": "房屋老旧，主要劳动力外出收入不稳定",
            "member_count": max(1, candidate["member_count"]),
            "eligible": eligible,
            "strike_reason": "" if eligible else "家庭有营运车辆，收入高于标准",
        },
    )
    reached = order.index(target) if eligible else 0
    if reached >= 2:
        await steps.shortlist(actor, app_id)
    if reached >= 3:
        meeting = {"held_on": today - timedelta(days=30), "representatives_present": 32, "place": "村委会会议室"}
        vote = {"votes_for": 28, "votes_against": 2, "passed": True, "reason": ""}
        await steps.hold_meeting(actor, village["id"], meeting, {app_id: vote})
    if reached >= 4:
        ends = today + timedelta(days=3) if state == "noticed_open" else today - timedelta(days=1)
        notice = {"starts_on": ends - timedelta(days=6), "ends_on": ends, "posted_at": "村委会公示栏"}
        await steps.start_notice(actor, village["id"], [app_id], notice)
    if reached >= 5:
        await steps.review(actor, app_id, {"on": today, "passed": True, "note": "符合识别标准"})
    if reached >= 6:
        await county_approves(actor, county, village["township"], app_id, announce=reached >= 7)
    if reached >= 7:
        await steps.register(actor, app_id)


async def county_approves(actor: Actor, county: Actor, township_id: int, app_id: int, *, announce: bool) -> None:
    """The reviewed application on a list of its own to the county (sent by `actor`), approved there by `county`, and
    announced when `announce` (registration waits for the announcement)."""
    today = clock.today()
    submission = await submissions.submit(actor, township_id, submissions.Kind.IDENTIFICATION, {app_id: ""})
    [item] = await SubmissionItem.select(SubmissionItem.id).where(SubmissionItem.submission == submission)
    approval = {item["id"]: submissions.ItemDecision(approved=True)}
    await submissions.decide(county, submission, today, f"平扶贫发〔{today.year}〕12号", approval)
    if announce:
        await submissions.announce(county, submission, today - timedelta(days=7), today - timedelta(days=1))
