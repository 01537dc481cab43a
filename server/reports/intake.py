"""Taking in a public report: counted against the limits, stored, audited, and (a difficulty) a risk case opened."""

from __future__ import annotations

from typing import Any

from server.accounts.sessions import CurrentUser
from server.audit.actions import DOOR_CARD, TOWNSHIP_PAGE
from server.audit.queries import record
from server.clock import today as clock_today
from server.identification.steps import Actor
from server.monitoring import steps as risk_steps
from server.monitoring.tables import RiskCase
from server.monitoring.workflow import StepRefused
from server.pairing.card_tokens import ScannedCard
from server.piccolo_conf import DB
from server.reports import limits
from server.reports.tables import PublicReport


class LimitReached(Exception):
    """The card's or the township page's limit for today is used up: nothing was stored."""


async def report_through_card(card: ScannedCard, kind: str, values: dict[str, Any], ip: str) -> int:
    """A difficulty (opens or joins the household's risk case) or a complaint, in one transaction with the audit."""
    async with DB.transaction():
        if not await limits.count(limits.CARD_LIMITS, str(card.id)):
            raise LimitReached()
        case_id = await open_or_join_case(card.household, values["text"], None, ip) if kind == "difficulty" else None
        [row] = await PublicReport.insert(
            PublicReport(
                kind=kind,
                township=card.township,
                door_card=card.id,
                household=card.household,
                risk_case=case_id,
                **values,
            )
        ).returning(PublicReport.id)
        # The target is the report, not the household: a household's history is read by its cadres, and a
        # complaint must never reach the cadre it is about.
        await record(
            "public_report_received",
            actor_label=DOOR_CARD,
            target_type="public_report",
            target_id=row["id"],
            ip=ip,
            detail={"kind": kind, "category": values["category"], "risk_case": case_id, "card": card.id,
                    "characters": len(values["text"])},
        )  # fmt: skip
    return int(row["id"])


async def help_request(township_id: int, values: dict[str, Any], ip: str) -> int:
    """A help request through the township's page: stored for the office to match, and audited."""
    async with DB.transaction():
        if not await limits.count(limits.TOWNSHIP_LIMITS, str(township_id)):
            raise LimitReached()
        [row] = await PublicReport.insert(PublicReport(kind="help", township=township_id, **values)).returning(
            PublicReport.id
        )
        await record(
            "public_report_received",
            actor_label=TOWNSHIP_PAGE,
            target_type="public_report",
            target_id=row["id"],
            ip=ip,
            detail={"kind": "help", "category": values["category"], "characters": len(values["text"])},
        )
    return int(row["id"])


async def open_or_join_case(household_id: int, text: str, user: CurrentUser | None, ip: str) -> int:
    """The household's open risk case, or a new one found today with the report as its source ('reported').

    The policy's clocks (identified within 15 days, a first measure within half a month) run from `found_on`, as for
    the risks cadres find. `user`: the office matching a help request; None: the household through its card.
    """
    actor = Actor(id=user.id, label=user.username, ip=ip) if user else Actor(id=None, label=DOOR_CARD, ip=ip)
    today = clock_today()
    try:
        return await risk_steps.open_case(actor, household_id, "reported", today, note=text[:200])
    except StepRefused:  # already open: the report joins it, and its clock keeps running from when it was found
        row = (
            await RiskCase.select(RiskCase.id)
            .where((RiskCase.household == household_id) & (RiskCase.state != "cleared"))
            .first()
        )
        return int(row["id"]) if row else await risk_steps.open_case(actor, household_id, "reported", today)


async def trapped(ip: str, where: str) -> None:
    """The honeypot was filled: nothing stored, one audit line so a flood can be seen (the client limit caps it)."""
    await record("public_report_dropped", actor_label=where, target_type="public_report", ip=ip,
                 detail={"reason": "honeypot"})  # fmt: skip
