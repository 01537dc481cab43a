"""Monitoring on the county's desk: risk cases whose village notice has ended, sent by the township with the
monitoring type it proposes; the county confirms each (纳入监测, server.monitoring.steps) or sends it back."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.audit.queries import record
from server.clock import LOCAL_TODAY_SQL, today
from server.households.tables import Household
from server.identification.steps import Actor
from server.monitoring import steps
from server.privacy import mask_id_number

_READY = f"""
SELECT rc.id FROM risk_case rc JOIN household h ON h.id = rc.household JOIN village v ON v.id = h.village
WHERE v.township = {{}} AND rc.state = 'noticed' AND rc.notice_ends_on <= {LOCAL_TODAY_SQL}
  AND NOT EXISTS (SELECT 1 FROM county_submission_item i
                  WHERE i.kind = 'monitoring' AND i.subject = rc.id AND i.decision = 'pending')
ORDER BY rc.id
"""

_LISTED = """
SELECT rc.id AS subject, rc.household, h.village, v.name AS village_name, rc.source, rc.found_on, rc.note,
       rc.notice_starts_on, rc.notice_ends_on,
       (SELECT count(*) FROM member m WHERE m.household = h.id) AS member_count,
       head.name AS head_name, head.id_number
FROM risk_case rc JOIN household h ON h.id = rc.household JOIN village v ON v.id = h.village
LEFT JOIN LATERAL (
  SELECT m.name, m.id_number FROM member m WHERE m.household = h.id ORDER BY m.relation <> 'head', m.id LIMIT 1
) head ON TRUE
WHERE rc.id = ANY({})
ORDER BY rc.id
"""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class MonitoringDecisions:
    """The county confirms (县级审定) the households the township proposes to monitor, or sends them back."""

    async def ready(self, township_id: int) -> list[int]:
        return [row["id"] for row in await Household.raw(_READY, township_id)]

    async def listed(self, subjects: list[int], proposals: dict[int, str]) -> list[dict[str, Any]]:
        rows = await Household.raw(_LISTED, subjects)
        return [
            {
                "subject": r["subject"],
                "household": r["household"],
                "village": r["village"],
                "village_name": r["village_name"],
                "head_name": r["head_name"] or "",
                "head_id_masked": mask_id_number(r["id_number"]),
                "member_count": r["member_count"],
                "source": r["source"],
                "found_on": _day(r["found_on"]),
                "note": r["note"],
                "notice_starts_on": _day(r["notice_starts_on"]),
                "notice_ends_on": _day(r["notice_ends_on"]),
                "proposed_type": proposals.get(r["subject"], ""),
            }
            for r in rows
        ]

    async def approve(self, actor: Actor, row: dict[str, Any], on: date, document: str) -> None:
        await steps.confirm(actor, row["subject"], on, row["proposed_type"], today())

    async def send_back(self, actor: Actor, row: dict[str, Any], reason: str) -> None:
        """The case stays in its notice; the township reads the reason on the list and on the case."""
        await record(
            "monitoring_sent_back",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="household",
            target_id=row["household"],
            ip=actor.ip,
            detail={"risk_case": row["subject"], "reason": reason},
        )

    async def announced(self, actor: Actor, row: dict[str, Any], on: date) -> None:
        """The list's announcement is the record; nothing changes on the case itself."""
