"""Placements: a hire creates the employment record and its three checks (after 1, 3 and 6 months by default, the
county's rule on the day work starts); answers feed the income."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from piccolo.querystring import QueryString

from server import policy
from server.accounts.sessions import CurrentUser
from server.households.history import record_change
from server.households.tables import Household
from server.jobs.referrals import set_answer
from server.jobs.tables import Placement, PlacementCheck, Referral
from server.pairing.queries import responsible_cadres
from server.piccolo_conf import DB
from server.policy.registry import FIRST_CHECK_MONTHS, SECOND_CHECK_MONTHS, THIRD_CHECK_MONTHS
from server.scope import household_scope_sql
from server.visits.queries import create_follow_up

MONTHS_PER_YEAR = 12


def add_months(start: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


async def hire(referral: dict[str, Any], values: dict[str, Any], referred_by: int | None, note: str) -> int | None:
    """Mark the referral hired, create the placement and its checks (with the visits area's follow-ups).

    None when the job is full (counted under a lock on the job, so two answers at once cannot overfill it)."""
    async with DB.transaction():
        # Lock first, count after: a count in the locking statement would read the snapshot taken before the wait.
        [job] = await Placement.raw("SELECT headcount FROM job_post WHERE id = {} FOR UPDATE", referral["job"])
        hired = await Referral.count().where((Referral.job == referral["job"]) & (Referral.status == "hired"))
        if hired >= job["headcount"]:
            return None
        await set_answer(referral["id"], "hired")
        [row] = await Placement.insert(
            Placement(referral=referral["id"], status="working", last_wage=values["monthly_wage"], **values)
        )
        placement_id = int(row["id"])
        cadres = await responsible_cadres([referral["household"]])
        cadre_id = cadres[referral["household"]][0]["cadre_id"] if cadres.get(referral["household"]) else referred_by
        for months in await check_months(referral["household"], values["start_date"]):
            due_on = add_months(values["start_date"], months)
            follow_up = await schedule_follow_up(referral["household"], cadre_id, due_on, note)
            await PlacementCheck.insert(
                PlacementCheck(placement=placement_id, months=months, due_on=due_on, cadre=cadre_id,
                               follow_up_id=follow_up)
            )  # fmt: skip
    return placement_id


CHECK_RULES = (FIRST_CHECK_MONTHS, SECOND_CHECK_MONTHS, THIRD_CHECK_MONTHS)


async def check_months(household_id: int, on: date) -> tuple[int, int, int]:
    """After how many months a placement starting on `on` is checked: the rule of the household's township then."""
    months = ", ".join(f"{policy.sql(rule, 'v.township', '{}::date')} AS m{n}" for n, rule in enumerate(CHECK_RULES))
    rows = await Placement.raw(
        f"SELECT {months} FROM household h JOIN village v ON v.id = h.village WHERE h.id = {{}}",
        *(on for _ in CHECK_RULES),
        household_id,
    )
    return rows[0]["m0"], rows[0]["m1"], rows[0]["m2"]


async def check_months_of(township_id: int | None, on: date) -> tuple[int, int, int]:
    """The same rule for a township, for the figures' headings."""
    held = await policy.values(CHECK_RULES, [township_id], on)
    first, second, third = (held.get(rule, township_id) for rule in CHECK_RULES)
    return first, second, third


async def schedule_follow_up(household_id: int, cadre_id: int | None, due_on: date, note: str) -> int | None:
    """A follow-up in the visits area (reason 'placement'), so it shows among the cadre's due follow-ups."""
    return await create_follow_up(household_id, due_on, "placement", cadre_id=cadre_id, note=note[:200])


async def placement_in_scope(user: CurrentUser, placement_id: int) -> dict[str, Any] | None:
    """The employment record of a member in the user's scope, with its checks (two queries)."""
    sql = """
    SELECT p.*, r.member AS member_id, m.name, m.household, vi.name AS village_name, j.title AS job_title,
           j.place, e.name AS employer_name
    FROM placement p JOIN referral r ON r.id = p.referral JOIN job_post j ON j.id = r.job
    JOIN employer e ON e.id = j.employer JOIN member m ON m.id = r.member JOIN household h ON h.id = m.household
    JOIN village vi ON vi.id = h.village
    WHERE p.id = {} AND {}
    """
    rows = await Placement.raw(sql, placement_id, household_scope_sql(user, "h"))
    if not rows:
        return None
    placement = dict(rows[0])
    placement["checks"] = (
        await PlacementCheck.select().where(PlacementCheck.placement == placement_id).order_by(PlacementCheck.months)
    )
    return placement


async def checks_due(user: CurrentUser, until: date, limit: int = 50) -> list[dict[str, Any]]:
    """Open placement checks due by `until` of members in scope: a cadre sees those assigned to them (the responsible
    cadre) and those of the members they referred; a leader or admin sees all of them."""
    sql = """
    SELECT c.id, c.months, c.due_on, c.placement, m.name, vi.name AS village_name, j.title AS job_title
    FROM placement_check c JOIN placement p ON p.id = c.placement JOIN referral r ON r.id = p.referral
    JOIN job_post j ON j.id = r.job JOIN member m ON m.id = r.member JOIN household h ON h.id = m.household
    JOIN village vi ON vi.id = h.village
    WHERE c.answered_at IS NULL AND c.due_on <= {} AND {} AND (c.cadre = {} OR r.referred_by = {} OR {})
    ORDER BY c.due_on LIMIT {}
    """
    anyone = QueryString("FALSE" if user.role.value == "cadre" else "TRUE")
    scope = household_scope_sql(user, "h")
    return list(await PlacementCheck.raw(sql, until, scope, user.id, user.id, anyone, limit))


def wage_income_of(placement: dict[str, Any], still_working: bool, wage: Decimal | None, months: int) -> Decimal:
    """What this job adds to the household's yearly wage income: wage × 12 while working, else wage × months worked."""
    if still_working and wage is not None:
        return wage * MONTHS_PER_YEAR
    last = placement["last_wage"] if placement["last_wage"] is not None else placement["monthly_wage"]
    return Decimal(last) * months


async def record_check(user: CurrentUser, placement_id: int, check_id: int, values: dict[str, Any], ip: str) -> bool:
    """The cadre's answer: updates the employment record and, through one function, the household's wage income.

    False when the check was answered already (e.g. the same form sent twice)."""
    still, wage = values["still_working"], values["monthly_wage"]
    async with DB.transaction():
        answer: dict[Any, Any] = {**values, "answered_by": user.id, "answered_at": datetime.now(UTC)}
        answered = await PlacementCheck.update(answer).where(
            (PlacementCheck.id == check_id) & (PlacementCheck.placement == placement_id)
            & PlacementCheck.answered_at.is_null()
        ).returning(PlacementCheck.months)  # fmt: skip
        if not answered:
            return False
        [placement] = await Placement.raw(
            "SELECT p.*, m.household FROM placement p JOIN referral r ON r.id = p.referral"
            " JOIN member m ON m.id = r.member WHERE p.id = {} FOR UPDATE OF p",
            placement_id,
        )
        months = max(placement["months_employed"], answered[0]["months"]) if still else placement["months_employed"]
        contribution = wage_income_of(placement, still, wage, months)
        await Placement.update(
            {
                Placement.status: "working" if still else "left",
                Placement.months_employed: months,
                Placement.last_wage: wage if still else placement["last_wage"],
                Placement.counted_wage_income: contribution,
            }
        ).where(Placement.id == placement_id)
        delta = contribution - Decimal(placement["counted_wage_income"])
        if delta:
            await change_wage_income(placement["household"], delta, user, ip)
    return True


async def change_wage_income(household_id: int, delta: Decimal, user: CurrentUser, ip: str) -> None:
    """Add `delta` yuan (never below zero) to the household's yearly wage income, audited as a household change."""
    rows = await Household.raw(
        "UPDATE household h SET wage_income = greatest(h.wage_income + {}, 0), updated_at = now()"
        " FROM (SELECT id, wage_income AS old FROM household WHERE id = {} FOR UPDATE) o"
        " WHERE h.id = o.id RETURNING o.old, h.wage_income AS new",
        delta,
        household_id,
    )
    if not rows:
        return
    old, new = rows[0]["old"], rows[0]["new"]
    await record_change("household_changed", user, ip, household_id, {"wage_income": [str(old), str(new)]})


async def member_of_referral(referral_id: int) -> int | None:
    row = await Referral.select(Referral.member).where(Referral.id == referral_id).first()
    return int(row["member"]) if row else None
