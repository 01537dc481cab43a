"""Recording a household's status change as a dated event (server.monitoring.tables.StatusEvent), in the transaction
of the step that changed it: an exit's announcement (server/exits/steps.py) or a confirmed return to poverty."""

from __future__ import annotations

from datetime import date

from server.households.tables import Member
from server.monitoring.tables import StatusEvent


async def record_status_event(
    household_id: int, status_from: str | None, status_to: str, on: date, source: str, source_id: int
) -> None:
    """One event, with the household's people on the day it is recorded (what the rate in people counts)."""
    people = await Member.count().where(Member.household == household_id)
    await StatusEvent.insert(
        StatusEvent(
            household=household_id,
            status_from=status_from or "",
            status_to=status_to,
            happened_on=on,
            people=people,
            source=source,
            source_id=source_id,
        )
    )
