"""The township's answer to a report: matched to a household, sent on as an application, answered, or closed."""

from __future__ import annotations

from datetime import UTC, datetime

from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.households.tables import Household
from server.i18n import N_
from server.identification.workflow import Refusal, StepRefused
from server.piccolo_conf import DB
from server.reports.intake import open_or_join_case
from server.reports.tables import PublicReport
from server.scope import household_scope

ALREADY_HANDLED = Refusal(N_("This report has already been handled."))


async def household_by_code(user: CurrentUser, code: str) -> int | None:
    """A household of the user's scope by its number, as the office types it from the register."""
    row = await Household.select(Household.id).where((Household.code == code.strip()) & household_scope(user)).first()
    return int(row["id"]) if row else None


async def handle(
    user: CurrentUser, report_id: int, outcome: str, note: str, ip: str, household_id: int | None = None
) -> None:
    """One transaction: the report locked and still new (else refused, 409), its outcome, a risk case, the audit."""
    async with DB.transaction():
        rows = await PublicReport.raw("SELECT * FROM public_report WHERE id = {} FOR UPDATE", report_id)
        if not rows or rows[0]["state"] != "new":
            raise StepRefused(ALREADY_HANDLED)
        values: dict[object, object] = {PublicReport.state: "handled", PublicReport.outcome: outcome,
                                        PublicReport.handling_note: note, PublicReport.handled_by: user.id,
                                        PublicReport.handled_at: datetime.now(UTC)}  # fmt: skip
        if household_id is not None:
            values[PublicReport.household] = household_id
            if outcome == "risk":
                values[PublicReport.risk_case] = await open_or_join_case(household_id, rows[0]["text"], user, ip)
        await PublicReport.update(values).where(PublicReport.id == report_id)  # type: ignore[arg-type]
        await record(
            "public_report_handled",
            actor=user,
            target_type="public_report",
            target_id=report_id,
            ip=ip,
            detail={"outcome": outcome, "household": household_id, "kind": rows[0]["kind"]},
        )


async def record_page_saved(user: CurrentUser, ip: str, new_token: bool) -> None:
    await record("public_page_saved", actor=user, target_type="township", target_id=user.township_id or "", ip=ip,
                 detail={"new_token": new_token})  # fmt: skip
