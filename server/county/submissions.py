"""Lists a township submits to the county office, and the county's decisions on them, each in one transaction.

The kinds of decision share one flow (submit → decide per household → announce); what a kind contributes is in
`DecisionKind`: which subjects a township may submit, how each is shown on the list, what approving and sending back
do, and what the announcement does to each approved one. Identification, monitoring confirmation and exits are the
kinds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

import asyncpg

from server.audit.queries import record
from server.clock import TIMEZONE
from server.codes import CodeList, Summary, TrailFields
from server.county.exits import ExitDecisions
from server.county.identification import IdentificationDecisions
from server.county.monitoring import MonitoringDecisions
from server.county.tables import Submission, SubmissionItem
from server.i18n import N_, gettext
from server.identification.steps import Actor
from server.identification.workflow import Refusal, StepRefused
from server.piccolo_conf import DB


class Kind(StrEnum):
    IDENTIFICATION = "identification"  # 县级审批 of applications the township reviewed, then the county announcement
    MONITORING = "monitoring"  # 县级审定 of a risk case after its village notice, with the type the township proposes
    EXIT = "exit"  # 县级审批 of an exit the township reviewed, then the announcement marks the household out

    @property
    def announced(self) -> bool:
        """Whether the county announces this kind's approvals on the list (公告)."""
        return self is not Kind.MONITORING

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.IDENTIFICATION: N_("Identification: county approval"),
    Kind.MONITORING: N_("Monitoring: county confirmation"),
    Kind.EXIT: N_("Exit: county approval"),
}


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


DECISION_LABELS = {
    Decision.PENDING: N_("Awaiting the county"),
    Decision.APPROVED: N_("Approved by the county"),
    Decision.RETURNED: N_("Sent back to the township"),
}


def _households(ids: list[int]) -> Summary:
    """The households a list sent to the county: their number (each is named on the audit page: `refs`)."""
    return gettext("%(n)s households", n=len(ids)), [str(id_) for id_ in ids]


def _listed(rows: list[dict[str, Any]]) -> Summary:
    """The list as the county read it (kept on the event): its number of households, and each by village and head."""
    lines = [
        " ".join(str(row.get(key) or "") for key in ("village_name", "head_name", "head_id_masked")) for row in rows
    ]
    return gettext("%(n)s households", n=len(rows)), [line.strip() for line in lines]


def _decided(decisions: list[dict[str, Any]]) -> Summary:
    """The county's decisions: how many households approved and sent back, and each household's with its reason."""
    approved = sum(1 for item in decisions if item.get("approved"))
    lines = []
    for item in decisions:
        decision = DECISION_LABELS[Decision.APPROVED if item.get("approved") else Decision.RETURNED]
        reason = f"（{item['reason']}）" if item.get("reason") else ""
        lines.append(f"{gettext('Household')} {item.get('household', '')}: {gettext(decision)}{reason}")
    text = gettext("%(yes)s approved, %(no)s sent back", yes=approved, no=len(decisions) - approved)
    return text, lines


# Its events in the audit trail (this module; server.county.monitoring) as the audit page reads them.
TRAIL = TrailFields(
    actions=("county_submitted", "county_decided", "county_announced", "monitoring_sent_back"),
    labels={
        "kind": N_("Kind of list"),
        "township": N_("Township"),
        "on": N_("Decided on"),
        "document": N_("County document number"),
        "decisions": N_("County decision"),
        "list": N_("List sent"),
        "starts_on": N_("Announced from"),
        "ends_on": N_("Announced until"),
        "households": N_("Households"),
        "risk_case": N_("Risk case no."),
        "reason": N_("Reason for sending back"),
    },
    codes={"kind": CodeList(*((kind.value, label) for kind, label in KIND_LABELS.items()))},
    refs={"township": "township", "households": "household"},
    summaries={"households": _households, "list": _listed, "decisions": _decided},
)


class DecisionKind(Protocol):
    """What one kind of county decision contributes to the shared flow."""

    async def ready(self, township_id: int) -> list[int]:
        """Subjects of the township the county may decide on now (not already on a list awaiting it)."""
        ...

    async def listed(self, subjects: list[int], proposals: dict[int, str]) -> list[dict[str, Any]]:
        """The list's rows as the county reads them (masked): each with `subject`, `household` and `village`;
        `proposals`: what the township proposes for a subject (a monitoring type), kept on its row."""
        ...

    async def approve(self, actor: Actor, row: dict[str, Any], on: date, document: str) -> None:
        """Approve one row of the list as it was submitted."""
        ...

    async def send_back(self, actor: Actor, row: dict[str, Any], reason: str) -> None: ...

    async def announced(self, actor: Actor, row: dict[str, Any], on: date) -> None:
        """What the county's announcement, from `on`, does to one approved row (an exit: the household is out)."""
        ...


KINDS: dict[Kind, DecisionKind] = {
    Kind.IDENTIFICATION: IdentificationDecisions(),
    Kind.MONITORING: MonitoringDecisions(),
    Kind.EXIT: ExitDecisions(),
}


@dataclass(frozen=True)
class ItemDecision:
    approved: bool
    reason: str = ""


def _refused(msgid: str) -> StepRefused:
    return StepRefused(Refusal(msgid))


async def submit(
    actor: Actor, township_id: int, kind: Kind, proposals: dict[int, str] | None = None, note: str = ""
) -> int:
    """The township's list of what is ready for the county (everything, or the subjects of `proposals`); the list
    as it stands is kept with it."""
    async with DB.transaction():
        subjects = await KINDS[kind].ready(township_id)
        if proposals is not None:
            subjects = [subject for subject in subjects if subject in proposals]
        if not subjects:
            raise _refused(N_("Nothing is waiting to be sent to the county."))
        rows = await KINDS[kind].listed(subjects, proposals or {})
        [submission] = await Submission.insert(
            Submission(township=township_id, kind=kind.value, submitted_by=actor.id, note=note, snapshot=rows)
        )
        items = [
            SubmissionItem(submission=submission["id"], kind=kind.value, subject=r["subject"], household=r["household"])
            for r in rows
        ]
        try:
            await SubmissionItem.insert(*items)
        except asyncpg.UniqueViolationError as error:  # a list sent at the same moment took them: nothing is written
            raise _refused(N_("Some of these households were just sent to the county by someone else.")) from error
        await record(
            "county_submitted",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="county_submission",
            target_id=submission["id"],
            ip=actor.ip,
            detail={"kind": kind.value, "township": township_id, "households": [r["household"] for r in rows]},
        )
    return int(submission["id"])


def snapshot_rows(snapshot: Any) -> list[dict[str, Any]]:
    """The kept list (JSONB arrives as text from raw queries)."""
    rows = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    return list(rows or [])


async def _locked(submission_id: int) -> dict[str, Any]:
    rows = await Submission.raw("SELECT * FROM county_submission WHERE id = {} FOR UPDATE", submission_id)
    if not rows:
        raise _refused(N_("This list does not exist."))
    return dict(rows[0])


async def decide(
    actor: Actor, submission_id: int, on: date, document: str, decisions: dict[int, ItemDecision]
) -> tuple[int, int]:
    """The county's decision on every household of the list at once: (approved, sent back)."""
    async with DB.transaction():
        submission = await _locked(submission_id)
        if submission["state"] != "submitted":
            raise _refused(N_("The county has already decided on this list."))
        items = await SubmissionItem.select().where(SubmissionItem.submission == submission_id)
        if {item["id"] for item in items} != set(decisions):
            raise _refused(N_("Decide on every household of the list."))
        kind = KINDS[Kind(submission["kind"])]
        listed = {row["subject"]: row for row in snapshot_rows(submission["snapshot"])}
        for item in items:
            decision = decisions[item["id"]]
            if decision.approved:
                await kind.approve(actor, listed[item["subject"]], on, document)
            else:
                await kind.send_back(actor, listed[item["subject"]], decision.reason)
            await SubmissionItem.update(
                {
                    SubmissionItem.decision: Decision.APPROVED if decision.approved else Decision.RETURNED,
                    SubmissionItem.reason: decision.reason,
                }
            ).where(SubmissionItem.id == item["id"])
        await Submission.update(
            {
                Submission.state: "decided",
                Submission.decided_by: actor.id,
                Submission.decided_at: datetime.now(TIMEZONE),
                Submission.decided_on: on,
                Submission.document: document,
            }
        ).where(Submission.id == submission_id)
        approved = sum(1 for d in decisions.values() if d.approved)
        await record(
            "county_decided",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="county_submission",
            target_id=submission_id,
            ip=actor.ip,
            detail={
                "kind": submission["kind"],
                "township": submission["township"],
                "on": on.isoformat(),
                "document": document,
                "list": snapshot_rows(submission["snapshot"]),
                "decisions": [
                    {
                        "household": item["household"],
                        "subject": item["subject"],
                        "approved": decisions[item["id"]].approved,
                        "reason": decisions[item["id"]].reason,
                    }
                    for item in items
                ],
            },
        )
    return approved, len(decisions) - approved


async def announce(actor: Actor, submission_id: int, starts_on: date, ends_on: date) -> None:
    """公告: the county announces the households it approved on this list."""
    async with DB.transaction():
        submission = await _locked(submission_id)
        if submission["state"] == "submitted":
            raise _refused(N_("The county has not decided on this list yet, so it cannot be announced."))
        if submission["state"] == "announced":
            raise _refused(N_("This list has already been announced."))
        approved_items = await SubmissionItem.select(SubmissionItem.subject).where(
            (SubmissionItem.submission == submission_id) & (SubmissionItem.decision == Decision.APPROVED)
        )
        approved = len(approved_items)
        if not approved:
            raise _refused(N_("No household of this list was approved, so there is nothing to announce."))
        kind = KINDS[Kind(submission["kind"])]
        listed = {row["subject"]: row for row in snapshot_rows(submission["snapshot"])}
        for item in approved_items:
            await kind.announced(actor, listed[item["subject"]], starts_on)
        await Submission.update(
            {
                Submission.state: "announced",
                Submission.announced_by: actor.id,
                Submission.announced_at: datetime.now(TIMEZONE),
                Submission.announcement_starts_on: starts_on,
                Submission.announcement_ends_on: ends_on,
            }
        ).where(Submission.id == submission_id)
        await record(
            "county_announced",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="county_submission",
            target_id=submission_id,
            ip=actor.ip,
            detail={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), "households": approved},
        )
