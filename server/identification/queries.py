"""Reading the identification workflow: villages, applications, notices; always within the user's township."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar.exceptions import NotFoundException
from piccolo.querystring import QueryString

from server import policy
from server.accounts.sessions import CurrentUser
from server.audit.actions import with_actor_names
from server.clock import today
from server.database import fetch_query
from server.identification.tables import (
    Application,
    ApplicationStep,
    AppraisalMeeting,
    IdentificationSettings,
    Objection,
    VillageNotice,
)
from server.identification.workflow import ORDER, State
from server.places.tables import Township, Village, VillageGroup
from server.policy.registry import KEY_INCIDENCE_PERCENT, OTHER_INCIDENCE_PERCENT
from server.privacy import mask_id_number
from server.scope import village_scope

OFFICE_FIELDS = ("office_name", "office_address", "office_phone")


async def township_settings(township_id: int | None) -> dict[str, Any]:
    """The township's objection office (empty until saved)."""
    row = await IdentificationSettings.select().where(IdentificationSettings.township == (township_id or -1)).first()
    return {name: row[name] if row else "" for name in OFFICE_FIELDS}


async def village_of(user: CurrentUser, village_id: int) -> dict[str, Any]:
    """The village when it belongs to the user's township, else 404."""
    row = await Village.select().where((Village.id == village_id) & village_scope(user)).first()
    if row is None:
        raise NotFoundException()
    return dict(row)


# Per village of a township: its applications by state and its registered people (the households' kept number of
# members). Both read the township's rows only, through the village indexes, for its villages' ids as one array (a
# join to the village table was planned as a scan of a county's 50,000 households and of every member: 33-70 ms).
# Each row carries the scale guidance in force in the township on a day (`r`, the two rules as `township_rules` reads
# them), and a township without villages gives that row alone: the page's figures in one statement.
_GUIDES = ", ".join(
    f"{policy.converted_sql(rule, policy.stored_sql(rule, '{}', '{}::date'))} AS {rule.key}"
    for rule in (KEY_INCIDENCE_PERCENT, OTHER_INCIDENCE_PERCENT)
)
_OVERVIEW = f"""
SELECT v.id, v.name, v.key_level, v.population, coalesce(a.states, jsonb_build_object()) AS states,
       coalesce(p.people, 0) AS registered_people, r.*
FROM (SELECT {_GUIDES} OFFSET 0) r
LEFT JOIN (village v
LEFT JOIN (
  SELECT village, jsonb_object_agg(state, n) AS states
  FROM (SELECT village, state, count(*) AS n FROM identification_application
        WHERE village = ANY(ARRAY(SELECT id FROM village WHERE township = {{}})) GROUP BY village, state) s
  GROUP BY village
) a ON a.village = v.id
LEFT JOIN (
  SELECT h.village, sum(h.member_count) AS people
  FROM household h
  WHERE h.status <> 'none' AND h.village = ANY(ARRAY(SELECT id FROM village WHERE township = {{}}))
  GROUP BY h.village
) p ON p.village = v.id) ON v.township = {{}}
ORDER BY v.key_level = '', v.code
"""


@dataclass(frozen=True)
class Overview:
    """The identification overview: the scale guidance in force (percent of the population) and the villages."""

    key_incidence_percent: int  # in key poor villages
    other_incidence_percent: int  # elsewhere
    villages: list[VillageOverview]


@dataclass(frozen=True)
class Guidance:
    """Registered people against the scale guidance (a guide shown as a bar, never a cap)."""

    people: int
    population: int
    percent: float  # of the population
    guide_percent: int
    bar_width: int  # 0-100: the share of the guide reached, the bar full at the guide

    @property
    def over(self) -> bool:
        return self.percent > self.guide_percent


@dataclass(frozen=True)
class VillageOverview:
    """A village's line on the overview: its applications by step, how many are still in progress, its guidance."""

    id: int
    name: str
    key_level: str  # '' for a village that is not a key poor village
    counts: list[tuple[State, int]]  # applications by step, in the workflow's order, the struck out last
    open: int  # applications neither registered nor struck out
    guidance: Guidance


def guidance(people: int, population: int, guide_percent: int) -> Guidance:
    percent = round(100 * people / population, 1) if population else 0.0
    width = min(100, round(100 * percent / guide_percent)) if guide_percent else 0
    return Guidance(people, population, percent, guide_percent, width)


async def villages_overview(township_id: int | None, on: date | None = None) -> Overview:
    """The township's villages, those with applications in progress first, and its scale guidance on `on` (today by
    default): one statement (sent as it is, without Piccolo's query object around it)."""
    township, day = township_id or -1, on or today()
    rows = await fetch_query(QueryString(_OVERVIEW, township, day, township, day, township, township, township))
    key_percent, other_percent = rows[0][KEY_INCIDENCE_PERCENT.key], rows[0][OTHER_INCIDENCE_PERCENT.key]
    villages = []
    for row in rows:
        if row["id"] is None:  # a township without villages
            continue
        states = row["states"] if isinstance(row["states"], dict) else _json(row["states"])
        counts = [(State(state), states[state]) for state in (*ORDER, State.STRUCK_OUT) if state in states]
        in_progress = sum(n for state, n in counts if state not in (State.REGISTERED, State.STRUCK_OUT))
        guide = key_percent if row["key_level"] else other_percent
        villages.append(
            VillageOverview(
                row["id"], row["name"], row["key_level"], counts, in_progress,
                guidance(row["registered_people"], row["population"], guide),
            )
        )  # fmt: skip
    villages.sort(key=lambda village: village.open == 0)  # villages with applications in progress first (stable sort)
    return Overview(key_percent, other_percent, villages)


def _json(value: Any) -> dict[str, int]:
    return dict(json.loads(value)) if value else {}


_APPLICATIONS = """
SELECT a.*, h.code, h.main_cause, h.attribute, h.status AS household_status, g.name AS group_name,
       head.name AS head_name, head.id_number AS head_id_number
FROM identification_application a
JOIN household h ON h.id = a.household
LEFT JOIN village_group g ON g.id = h."group"
LEFT JOIN LATERAL (
  SELECT m.name, m.id_number FROM member m WHERE m.household = h.id ORDER BY m.relation <> 'head', m.id LIMIT 1
) head ON TRUE
WHERE {}
ORDER BY a.id
"""


async def applications(where_sql: str, *args: Any) -> list[dict[str, Any]]:
    """Applications with their household's head; the ID number only masked (the full one never leaves here)."""
    rows: list[dict[str, Any]] = await Application.raw(_APPLICATIONS, QueryString(where_sql, *args))
    for row in rows:
        row["head_id_masked"] = mask_id_number(row.pop("head_id_number"))
        row["state_label"] = State(row["state"]).label
    return rows


async def village_applications(village_id: int) -> list[dict[str, Any]]:
    return await applications("a.village = {}", village_id)


async def application_of(user: CurrentUser, application_id: int) -> dict[str, Any]:
    """One application of the user's township, else 404."""
    rows = await applications(
        "a.id = {} AND a.village IN (SELECT id FROM village WHERE township = {})",
        application_id,
        user.township_id or -1,
    )
    if not rows:
        raise NotFoundException()
    return rows[0]


async def steps_of(application_id: int) -> list[dict[str, Any]]:
    """The application's steps in order, each with who took it (`who`): the account's name, not its login name (an
    actor without an account as the audit trail names it)."""
    name = ApplicationStep.actor.display_name.as_alias("actor_name")
    rows = await (
        ApplicationStep.select(*ApplicationStep.all_columns(), name)
        .where(ApplicationStep.application == application_id)
        .order_by(ApplicationStep.at)
        .order_by(ApplicationStep.id)
    )
    return with_actor_names(rows)


async def latest_notice(village_id: int) -> dict[str, Any] | None:
    row = await (
        VillageNotice.select()
        .where(VillageNotice.village == village_id)
        .order_by(VillageNotice.id, ascending=False)
        .first()
    )
    return dict(row) if row else None


async def notices_to_show(village_id: int, day: date) -> list[dict[str, Any]]:
    """The village's notices still running on `day` and its latest one, the latest first: a new notice of some
    households does not hide the one of others still open to objections."""
    rows = await VillageNotice.raw(
        "SELECT * FROM village_notice WHERE village = {} AND (ends_on >= {}"
        " OR id = (SELECT max(id) FROM village_notice WHERE village = {})) ORDER BY id DESC",
        village_id,
        day,
        village_id,
    )
    return [dict(row) for row in rows]


async def notice_by_id(notice_id: int | None) -> dict[str, Any] | None:
    if notice_id is None:
        return None
    row = await VillageNotice.select().where(VillageNotice.id == notice_id).first()
    return dict(row) if row else None


async def objections_of(notice_id: int) -> list[dict[str, Any]]:
    return (await objections_by_notice([notice_id])).get(notice_id, [])


async def objections_by_notice(notice_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The objections to each of these notices, in the order received: one statement for a village's notices."""
    rows = await (
        Objection.select(*Objection.all_columns(), Objection.answered_by.display_name.as_alias("answered_by_name"))
        .where(Objection.notice.is_in(notice_ids or [0]))
        .order_by(Objection.id)
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["notice"], []).append(row)
    return grouped


async def meeting_by_id(meeting_id: int | None) -> dict[str, Any] | None:
    if meeting_id is None:
        return None
    row = await AppraisalMeeting.select().where(AppraisalMeeting.id == meeting_id).first()
    return dict(row) if row else None


async def groups_of(village_id: int) -> list[dict[str, Any]]:
    return await VillageGroup.select(VillageGroup.id, VillageGroup.name).where(VillageGroup.village == village_id)


_UNREGISTERED = """
SELECT h.id, h.code, head.name AS head_name, (SELECT count(*) FROM member m WHERE m.household = h.id) AS members
FROM household h
LEFT JOIN LATERAL (
  SELECT m.name FROM member m WHERE m.household = h.id ORDER BY m.relation <> 'head', m.id LIMIT 1
) head ON TRUE
WHERE h.village = {} AND h.status = 'none'
  AND NOT EXISTS (SELECT 1 FROM identification_application a WHERE a.household = h.id
                  AND a.state NOT IN ('registered', 'struck_out'))
ORDER BY h.code
LIMIT 200
"""


async def unregistered_households(village_id: int) -> list[dict[str, Any]]:
    """Households of the village not registered and without an open application: they may apply."""
    return list(await Application.raw(_UNREGISTERED, village_id))


def by_state(rows: list[dict[str, Any]]) -> list[tuple[State, list[dict[str, Any]]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["state"], []).append(row)
    return [(state, grouped[state]) for state in (*ORDER, State.STRUCK_OUT) if state in grouped]


PUBLIC_FIELDS = (
    "id",
    "head_name",
    "group_name",
    "member_count",
    "main_cause",
    "attribute",
    "approved_on",
)


def public_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a public notice may show of each application (DOMAIN.md §2: no ID number, phone, bank or health)."""
    return [{name: row[name] for name in PUBLIC_FIELDS} for row in rows]


def announced(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The county's announcement lists the village's applications approved in its latest approval round."""
    approved = [row for row in rows if row["state"] in (State.APPROVED, State.REGISTERED) and row["approved_on"]]
    if not approved:
        return []
    year = max(row["approved_on"].year for row in approved)
    return [row for row in approved if row["approved_on"].year == year]


async def township_name(township_id: int | None) -> dict[str, str]:
    row = (
        await Township.select(Township.name, Township.county.name.as_alias("county"))
        .where(Township.id == (township_id or -1))
        .first()
    )
    return {"name": row["name"], "county": row["county"]} if row else {"name": "", "county": ""}


_APPROVING_LIST = """
SELECT s.id, s.state, s.document, s.announcement_starts_on, s.announcement_ends_on
FROM county_submission_item i JOIN county_submission s ON s.id = i.submission
WHERE i.kind = 'identification' AND i.subject = {} AND i.decision = 'approved'
ORDER BY s.id DESC LIMIT 1
"""


async def approving_list(application_id: int) -> dict[str, Any] | None:
    """The county's list that approved this application (its state and announcement), or None."""
    rows = await Application.raw(_APPROVING_LIST, application_id)
    return dict(rows[0]) if rows else None
