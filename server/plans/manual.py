"""The 帮扶手册 (assistance manual) of a household for a year, as the paper one reads, from recorded facts only:
household and members (masked as the viewer needs), causes, responsible cadres, the help plan, every delivered
measure, the visits with their photos, income by source against the line, and room for the signatures."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from server.accounts.sessions import CurrentUser
from server.clock import TIMEZONE, today
from server.codes import MEASURE_TYPE
from server.households import queries as households
from server.households.household_page import household_view, income_view, member_view
from server.households.tables import Household
from server.i18n import N_, gettext
from server.pairing.queries import responsible_cadres
from server.plans import delivered, queries
from server.scope import household_scope_sql
from server.visits.ledgers import workbook
from server.visits.pages import visits_where


async def manual(user: CurrentUser, household_id: int, year: int) -> dict[str, Any] | None:
    """Everything one manual shows; None when the household is out of the viewer's scope."""
    household = await households.household_in_scope(user, household_id)
    if household is None:
        return None
    members = await households.members_of(household_id)
    cadres = (await responsible_cadres([household_id])).get(household_id, [])
    show_phone = user.is_admin or any(cadre["cadre_id"] == user.id for cadre in cadres)
    start, end = datetime(year, 1, 1, tzinfo=TIMEZONE), datetime(year + 1, 1, 1, tzinfo=TIMEZONE)
    visits = await visits_where(
        user, "v.household = {} AND v.visited_at >= {} AND v.visited_at < {}", household_id, start, end, limit=200
    )
    visits.reverse()  # the paper manual reads oldest first
    measures = await delivered.for_year(household_id, year)
    day = today()
    return {
        "household": household_view(household, user, show_phone),
        "members": [member_view(member, day, show_phone) for member in members],
        "causes": queries.cause_labels(household["main_cause"], household["secondary_causes"]),
        "cadres": cadres,
        "plan_items": await queries.items(household_id, year),
        "measures": measures,
        "total": delivered.total(measures),
        "visits": visits,
        # 户主签字: what the household confirmed on each visit (a measure recorded on a visit shows its visit's)
        "confirmations": {visit["id"]: visit["confirmation"] for visit in visits if visit["confirmation"]},
        "income": income_view(household, len(members)),
        "year": year,
        "today": day,
    }


async def village_households(user: CurrentUser, village_id: int) -> list[int]:
    """The households of a village the viewer sees, in the register's order (for printing every manual)."""
    rows = await Household.raw(
        "SELECT h.id FROM household h WHERE h.village = {} AND h.status <> 'none' AND {} ORDER BY h.code",
        village_id,
        household_scope_sql(user, "h"),
    )
    return [int(row["id"]) for row in rows]


def manual_sheet(context: dict[str, Any]) -> bytes:
    """The manual's measures and plan as a workbook (one sheet; the register has the household's facts)."""
    headers = [gettext(h) for h in (N_("Date"), N_("Measure"), N_("Amount (yuan)"), N_("Note"), N_("Recorded as"),
                                    N_("Cadre"))]  # fmt: skip
    rows: list[list[Any]] = [
        [m.delivered_on, m.type_label, m.amount, m.note, m.source_label, m.cadre_name] for m in context["measures"]
    ]
    rows.append([])
    rows.append([gettext(N_("Help plan")), "", "", "", "", ""])
    for item in context["plan_items"]:
        state = (
            gettext(N_("Delivered %(date)s"), date=item.delivered_on.isoformat())
            if item.delivered_on
            else gettext(N_("Overdue"))
            if item.overdue(context["today"])
            else gettext(N_("Not yet delivered"))
        )
        rows.append([item.due_on, MEASURE_TYPE.label(item.type), item.amount, item.what, state, item.target])
    household = context["household"]
    return workbook(f"{household['code']} {context['year']}", headers, rows, [12, 24, 14, 30, 14, 12])


async def manual_xlsx(context: dict[str, Any]) -> bytes:
    return await asyncio.to_thread(manual_sheet, context)
