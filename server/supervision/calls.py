"""Verification calls (回访核实): draw a random share of recent visits, record what each household said, count.

The draw takes, in every (village, cadre) group of the township's visits in the period, a stated share at random
(at least one visit of each group that has any), leaving out visits sampled before. Scope: the user's township, in
the WHERE clause. No HTTP here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.piccolo_conf import DB
from server.scope import household_scope_sql
from server.supervision.codes import REACHED
from server.supervision.tables import VerificationCall, VerificationSample

LOCAL_DAY = "(v.visited_at AT TIME ZONE 'Asia/Shanghai')::date"
HEAD = "(SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1)"
HEAD_PHONE = (
    "coalesce(nullif(h.phone, ''), (SELECT m.phone FROM member m WHERE m.household = h.id AND m.relation = 'head'"
    " ORDER BY m.id LIMIT 1), '')"
)

_DRAW = f"""
INSERT INTO verification_call (sample, visit)
SELECT {{}}, s.id FROM (
    SELECT v.id, row_number() OVER (PARTITION BY h.village, v.cadre ORDER BY random()) AS n,
           count(*) OVER (PARTITION BY h.village, v.cadre) AS total
    FROM visit v JOIN household h ON h.id = v.household
    WHERE {{}} AND {LOCAL_DAY} BETWEEN {{}} AND {{}} AND ({{}}::int IS NULL OR h.village = {{}}::int)
      AND NOT EXISTS (SELECT 1 FROM verification_call c WHERE c.visit = v.id)
) s
WHERE s.n <= ceil(s.total * {{}}::numeric / 100)
ON CONFLICT (visit) DO NOTHING
RETURNING id
"""


async def draw_sample(
    user: CurrentUser, since: date, until: date, share: int, village_id: int | None, ip: str
) -> tuple[int, int]:
    """(sample id, visits drawn), in one transaction with the audit."""
    async with DB.transaction():
        [sample] = await VerificationSample.insert(
            VerificationSample(
                township=user.township_id,
                since=since,
                until=until,
                share_percent=share,
                village=village_id,
                drawn_by=user.id,
            )
        ).returning(VerificationSample.id)
        drawn = await VerificationCall.raw(
            _DRAW, sample["id"], household_scope_sql(user, "h"), since, until, village_id, village_id, share
        )
        await VerificationSample.update({VerificationSample.visits: len(drawn)}).where(
            VerificationSample.id == sample["id"]
        )
        await record("verification_sample_drawn", actor=user, target_type="verification_sample",
                     target_id=sample["id"], ip=ip,
                     detail={"since": str(since), "until": str(until), "share": share, "village": village_id,
                             "visits": len(drawn)})  # fmt: skip
    return int(sample["id"]), len(drawn)


async def samples(user: CurrentUser) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await VerificationSample.raw(
        "SELECT s.id, s.since, s.until, s.share_percent, s.visits, s.drawn_at, vl.name AS village_name,"
        " u.display_name AS drawn_by_name, count(c.called_at) AS called,"
        " count(*) FILTER (WHERE c.outcome = 'denied') AS denied"
        " FROM verification_sample s LEFT JOIN village vl ON vl.id = s.village"
        " LEFT JOIN app_user u ON u.id = s.drawn_by LEFT JOIN verification_call c ON c.sample = s.id"
        " WHERE s.township = {} GROUP BY s.id, vl.name, u.display_name ORDER BY s.drawn_at DESC LIMIT 50",
        user.township_id or -1,
    )
    return rows


@dataclass(frozen=True)
class Call:
    """A sampled visit to call about: whose visit, to which household, the number to call, what was said."""

    id: int
    sample: int
    visit: int
    visited_at: datetime
    kind: str
    note_of_visit: str
    cadre_name: str
    head: str | None
    village_name: str
    phone: str
    outcome: str | None
    note: str
    called_at: datetime | None
    called_by_name: str | None
    reviewed_at: datetime | None
    review_note: str


_CALLS = f"""
SELECT c.id, c.sample, c.visit, v.visited_at, v.kind, v.note AS note_of_visit, cu.display_name AS cadre_name,
       {HEAD} AS head, vl.name AS village_name, {HEAD_PHONE} AS phone, c.outcome, c.note, c.called_at,
       bu.display_name AS called_by_name, c.reviewed_at, c.review_note
FROM verification_call c JOIN visit v ON v.id = c.visit JOIN household h ON h.id = v.household
JOIN village vl ON vl.id = h.village JOIN app_user cu ON cu.id = v.cadre LEFT JOIN app_user bu ON bu.id = c.called_by
WHERE {{}} AND {{}}
ORDER BY vl.code, v.visited_at, c.id
LIMIT 500
"""


async def calls_where(user: CurrentUser, condition: str, *args: Any) -> list[Call]:
    rows = await VerificationCall.raw(_CALLS, household_scope_sql(user, "h"), QueryString(condition, *args))
    return [Call(**row) for row in rows]


async def call(user: CurrentUser, call_id: int) -> Call | None:
    found = await calls_where(user, "c.id = {}", call_id)
    return found[0] if found else None


async def record_outcome(user: CurrentUser, call_id: int, outcome: str, note: str, ip: str) -> None:
    """What the household said; a later call may correct it until the office has looked into a denial."""
    async with DB.transaction():
        await VerificationCall.update(
            {
                VerificationCall.outcome: outcome,
                VerificationCall.note: note,
                VerificationCall.called_by: user.id,
                VerificationCall.called_at: datetime.now(UTC),
            }
        ).where((VerificationCall.id == call_id) & VerificationCall.reviewed_at.is_null())
        await record("verification_call_recorded", actor=user, target_type="verification_call", target_id=call_id,
                     ip=ip, detail={"outcome": outcome, "note_characters": len(note)})  # fmt: skip


async def review_denial(user: CurrentUser, call_id: int, note: str, ip: str) -> None:
    async with DB.transaction():
        await VerificationCall.update(
            {
                VerificationCall.reviewed_at: datetime.now(UTC),
                VerificationCall.reviewed_by: user.id,
                VerificationCall.review_note: note,
            }
        ).where((VerificationCall.id == call_id) & (VerificationCall.outcome == "denied"))
        await record("verification_denial_reviewed", actor=user, target_type="verification_call",
                     target_id=call_id, ip=ip)  # fmt: skip


async def denials_to_review(user: CurrentUser) -> list[Call]:
    return await calls_where(user, "c.outcome = 'denied' AND c.reviewed_at IS NULL")


@dataclass(frozen=True)
class Share:
    """Calls about one village's or one cadre's visits: how many reached, confirmed, denied, not reachable."""

    name: str
    village: str
    sampled: int
    reached: int
    confirmed: int
    denied: int
    unreachable: int

    @property
    def percent(self) -> int | None:
        """Confirmed among the households reached (a household not reached says nothing either way)."""
        return round(100 * self.confirmed / self.reached) if self.reached else None


_SHARES = """
SELECT {name} AS name, {village} AS village, count(*) AS sampled,
       count(*) FILTER (WHERE c.outcome = ANY({{}})) AS reached,
       count(*) FILTER (WHERE c.outcome = 'confirmed') AS confirmed,
       count(*) FILTER (WHERE c.outcome = 'denied') AS denied,
       count(*) FILTER (WHERE c.outcome = 'unreachable') AS unreachable
FROM verification_call c JOIN visit v ON v.id = c.visit JOIN household h ON h.id = v.household
JOIN village vl ON vl.id = h.village JOIN app_user u ON u.id = v.cadre
WHERE {{}}
GROUP BY {group}
ORDER BY {order}
"""
BY_VILLAGE = _SHARES.format(name="vl.name", village="vl.name", group="vl.id, vl.name, vl.code", order="vl.code")
# By cadre in the order of the villages and then the names: a list to read, never a ranking.
BY_CADRE = _SHARES.format(
    name="u.display_name", village="min(vl.name)", group="u.id, u.display_name", order="min(vl.code), u.display_name"
)


async def shares(user: CurrentUser) -> dict[str, list[Share]]:
    """Confirmation by village and by cadre, two queries whatever the number of calls."""
    scope = household_scope_sql(user, "h")
    villages = await VerificationCall.raw(BY_VILLAGE, list(REACHED), scope)
    cadres = await VerificationCall.raw(BY_CADRE, list(REACHED), scope)
    return {"villages": [Share(**row) for row in villages], "cadres": [Share(**row) for row in cadres]}
