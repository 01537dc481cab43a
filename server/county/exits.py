"""Exits on the county's desk: cases their township reviewed (乡镇审核), as the county reads them; approving one is
the county approval (县级审批, server.exits.steps.county_approve), sending it back refuses it with the reason, and the
list's announcement marks each approved household out of poverty (公告, server.exits.steps.announce)."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.exits import steps
from server.exits.tables import ExitCase
from server.identification.steps import Actor
from server.privacy import mask_id_number

_READY = """
SELECT c.id FROM exit_case c JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village
WHERE v.township = {} AND c.state = 'reviewed'
  AND NOT EXISTS (SELECT 1 FROM county_submission_item i
                  WHERE i.kind = 'exit' AND i.subject = c.id AND i.decision = 'pending')
ORDER BY c.id
"""

_LISTED = """
SELECT c.*, c.id AS subject, h.village, v.name AS village_name, head.name AS head_name, head.id_number,
       (SELECT count(*) FROM member m WHERE m.household = h.id) AS member_count,
       (SELECT count(*) FROM exit_objection o WHERE o.case = c.id) AS objections,
       (SELECT count(*) FROM exit_objection o WHERE o.case = c.id AND o.answered_on IS NOT NULL) AS objections_answered
FROM exit_case c JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village
LEFT JOIN LATERAL (
  SELECT m.name, m.id_number FROM member m WHERE m.household = h.id ORDER BY m.relation <> 'head', m.id LIMIT 1
) head ON TRUE
WHERE c.id = ANY({})
ORDER BY c.id
"""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _row(r: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready: the name and masked ID number, the income against the line, the appraisal, notice and review."""
    return {
        "subject": r["subject"],
        "household": r["household"],
        "village": r["village"],
        "village_name": r["village_name"],
        "head_name": r["head_name"] or "",
        "head_id_masked": mask_id_number(r["id_number"]),
        "member_count": r["member_count"],
        "year": r["year"],
        "checked_on": _day(r["checked_on"]),
        "per_capita_income": str(r["per_capita_income"]),
        "poverty_line": str(r["poverty_line"]),
        "meeting_on": _day(r["appraised_on"]),
        "representatives_present": r["representatives_present"],
        "votes_for": r["votes_for"],
        "votes_against": r["votes_against"],
        "notice_starts_on": _day(r["notice_starts_on"]),
        "notice_ends_on": _day(r["notice_ends_on"]),
        "objections": r["objections"],
        "objections_answered": r["objections_answered"],
        "reviewed_on": _day(r["reviewed_on"]),
        "review_note": r["review_note"],
    }


class ExitDecisions:
    """The county approves the exits the township reviewed, or refuses them with the reason; then announces."""

    async def ready(self, township_id: int) -> list[int]:
        return [row["id"] for row in await ExitCase.raw(_READY, township_id)]

    async def listed(self, subjects: list[int], proposals: dict[int, str]) -> list[dict[str, Any]]:
        return [_row(r) for r in await ExitCase.raw(_LISTED, subjects)]

    async def approve(self, actor: Actor, row: dict[str, Any], on: date, document: str) -> None:
        await steps.county_approve(actor, row["subject"], {"passed": True, "on": on, "document": document, "note": ""})

    async def send_back(self, actor: Actor, row: dict[str, Any], reason: str) -> None:
        """The county's "no" ends the case (the household stays as it was); the township reads why on the list
        and on the case, and may open a new case once the reason is dealt with."""
        await steps.county_approve(actor, row["subject"], {"passed": False, "on": None, "document": "", "note": reason})

    async def announced(self, actor: Actor, row: dict[str, Any], on: date) -> None:
        await steps.announce(actor, row["subject"], on)
