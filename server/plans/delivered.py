"""The delivered-measures ledger: every measure a household received, wherever it was recorded (the view
`delivered_measure`: visits' measures, placements, attended trainings, completed projects' benefits).

The timeline, the 帮扶手册, the help plan, the monitoring check, the cadre's assessment and the township's figures
read these rows and nothing else, so a measure recorded once counts everywhere and is never typed again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from server.codes import MEASURE_TYPE
from server.households.tables import Household
from server.i18n import N_, gettext

SOURCE_LABELS = {
    "visit": N_("Visit"),
    "placement": N_("Job placement"),
    "training": N_("Training"),
    "project": N_("Project"),
}
WORK_MEASURES = ("industry", "employment")  # what an able-to-work household must have (DOMAIN.md §3)


@dataclass(frozen=True)
class DeliveredMeasure:
    """One delivered measure; `visit` is set when it was recorded on a visit (its page shows the photos)."""

    source: str
    source_id: int
    household: int
    delivered_on: date
    type: str
    amount: Decimal | None
    note: str
    cadre_name: str
    visit: int | None

    @property
    def type_label(self) -> str:
        return MEASURE_TYPE.label(self.type)

    @property
    def source_label(self) -> str:
        return gettext(SOURCE_LABELS[self.source])


_ROWS = """
SELECT d.source, d.source_id, d.household, d.delivered_on, d.type, d.amount, coalesce(d.note, '') AS note,
       coalesce(u.display_name, '') AS cadre_name, d.visit
FROM delivered_measure d LEFT JOIN app_user u ON u.id = d.cadre
WHERE d.household = {} AND d.delivered_on >= {} AND d.delivered_on <= {}
ORDER BY d.delivered_on, d.source, d.source_id
"""


async def for_household(
    household_id: int, since: date | None = None, until: date | None = None
) -> list[DeliveredMeasure]:
    """The household's delivered measures between two days (both included; open ends by default), oldest first.
    Scope is checked by the caller."""
    rows = await Household.raw(_ROWS, household_id, since or date.min, until or date.max)
    return [DeliveredMeasure(**row) for row in rows]


async def for_year(household_id: int, year: int) -> list[DeliveredMeasure]:
    return await for_household(household_id, date(year, 1, 1), date(year, 12, 31))


def total(measures: Iterable[DeliveredMeasure]) -> Decimal:
    return sum((m.amount for m in measures if m.amount is not None), Decimal(0))


def has_work_measure(measures: Iterable[DeliveredMeasure]) -> bool:
    return any(m.type in WORK_MEASURES for m in measures)


async def types_by_household(household_ids: Iterable[int]) -> dict[int, list[str]]:
    """The measure types each household has received (codes of server.codes.MEASURE_TYPE), one query."""
    ids = list(household_ids)
    if not ids:
        return {}
    rows = await Household.raw(
        "SELECT household, array_agg(DISTINCT type ORDER BY type) AS types FROM delivered_measure"
        " WHERE household = ANY({}::int[]) GROUP BY household",
        ids,
    )
    found = {row["household"]: list(row["types"]) for row in rows}
    return {household: found.get(household, []) for household in ids}
