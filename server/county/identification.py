"""Identification on the county's desk: the applications a township reviewed, as the county reads them, and what
its approval or its "no" does to each (server.identification.steps)."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.county.tables import SubmissionItem
from server.identification import steps
from server.identification.queries import applications
from server.identification.steps import Actor
from server.identification.tables import Application
from server.identification.workflow import State

_READY = """
SELECT a.id FROM identification_application a JOIN village v ON v.id = a.village
WHERE v.township = {} AND a.state = {}
  AND NOT EXISTS (SELECT 1 FROM county_submission_item i
                  WHERE i.kind = 'identification' AND i.subject = a.id AND i.decision = 'pending')
ORDER BY a.id
"""

# The appraisal and the notice behind each application: what the county checks before it approves.
_RECORDS = """
SELECT a.id, v.name AS village_name, m.held_on AS meeting_on, m.representatives_present,
       n.starts_on AS notice_starts_on, n.ends_on AS notice_ends_on, n.posted_at AS notice_posted_at,
       (SELECT count(*) FROM notice_objection o WHERE o.notice = a.notice
          AND (o.application IS NULL OR o.application = a.id)) AS objections,
       (SELECT count(*) FROM notice_objection o WHERE o.notice = a.notice
          AND (o.application IS NULL OR o.application = a.id) AND o.answered_on IS NOT NULL) AS objections_answered
FROM identification_application a
JOIN village v ON v.id = a.village
LEFT JOIN appraisal_meeting m ON m.id = a.meeting
LEFT JOIN village_notice n ON n.id = a.notice
WHERE a.id = ANY({})
"""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class IdentificationDecisions:
    """The county approves (县级审批) or sends back the applications the township reviewed."""

    async def ready(self, township_id: int) -> list[int]:
        return [row["id"] for row in await Application.raw(_READY, township_id, State.REVIEWED.value)]

    async def listed(self, subjects: list[int], proposals: dict[int, str]) -> list[dict[str, Any]]:
        """JSON-ready rows: names and masked ID numbers only, with the appraisal and notice records."""
        records = {row["id"]: row for row in await SubmissionItem.raw(_RECORDS, subjects)}
        rows = await applications("a.id = ANY({})", subjects)
        return [self._row(app, records[app["id"]]) for app in rows]

    @staticmethod
    def _row(app: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        income = app["declared_income"]
        return {
            "subject": app["id"],
            "household": app["household"],
            "village": app["village"],
            "village_name": record["village_name"],
            "group_name": app["group_name"] or "",
            "head_name": app["head_name"] or "",
            "head_id_masked": app["head_id_masked"],
            "member_count": app["member_count"],
            "main_cause": app["main_cause"],
            "attribute": app["attribute"],
            "declared_income": str(income) if income is not None else "",
            "surveyed_on": _day(app["surveyed_on"]),
            "survey_findings": app["survey_findings"],
            "meeting_on": _day(record["meeting_on"]),
            "representatives_present": record["representatives_present"],
            "votes_for": app["votes_for"],
            "votes_against": app["votes_against"],
            "notice_starts_on": _day(record["notice_starts_on"]),
            "notice_ends_on": _day(record["notice_ends_on"]),
            "notice_posted_at": record["notice_posted_at"] or "",
            "objections": record["objections"],
            "objections_answered": record["objections_answered"],
            "reviewed_on": _day(app["reviewed_on"]),
            "review_note": app["review_note"],
        }

    async def approve(self, actor: Actor, row: dict[str, Any], on: date, document: str) -> None:
        await steps.approve(actor, row["subject"], {"on": on, "document": document})

    async def send_back(self, actor: Actor, row: dict[str, Any], reason: str) -> None:
        await steps.send_back(actor, row["subject"], reason)

    async def announced(self, actor: Actor, row: dict[str, Any], on: date) -> None:
        """The list's announcement is the record; nothing changes on the application itself."""
