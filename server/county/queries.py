"""Reading the lists townships submit to the county: a county its own townships' (else 404), a township its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar.exceptions import NotFoundException
from piccolo.querystring import QueryString

from server.county.submissions import DECISION_LABELS, Decision, Kind, snapshot_rows
from server.county.tables import Submission, SubmissionItem

_LISTS = """
SELECT s.id, s.kind, s.state, s.submitted_at, s.decided_at, s.decided_on, s.document, s.township,
       s.announcement_starts_on, s.announcement_ends_on, t.name AS township_name,
       coalesce(su.display_name, '') AS submitted_by_name, coalesce(du.display_name, '') AS decided_by_name,
       count(i.id) AS households,
       count(i.id) FILTER (WHERE i.decision = 'approved') AS approved,
       count(i.id) FILTER (WHERE i.decision = 'returned') AS returned
FROM county_submission s
JOIN township t ON t.id = s.township
LEFT JOIN app_user su ON su.id = s.submitted_by
LEFT JOIN app_user du ON du.id = s.decided_by
LEFT JOIN county_submission_item i ON i.submission = s.id
WHERE {}
GROUP BY s.id, t.name, su.display_name, du.display_name
ORDER BY s.state <> 'submitted', s.submitted_at DESC
"""


@dataclass(frozen=True)
class ListSummary:
    """One submitted list as the lists page shows it."""

    id: int
    kind: Kind
    state: str
    township: int
    township_name: str
    submitted_at: datetime
    submitted_by_name: str
    decided_at: datetime | None
    decided_on: date | None
    decided_by_name: str
    document: str
    announcement_starts_on: date | None
    announcement_ends_on: date | None
    households: int
    approved: int
    returned: int


def _summaries(rows: list[dict[str, Any]]) -> list[ListSummary]:
    return [ListSummary(**{**row, "kind": Kind(row["kind"])}) for row in rows]


async def county_lists(county_id: int | None) -> list[ListSummary]:
    where = QueryString("t.county = {}", county_id or -1)
    return _summaries(await Submission.raw(_LISTS, where))


async def township_lists(township_id: int | None) -> list[ListSummary]:
    where = QueryString("s.township = {}", township_id or -1)
    return _summaries(await Submission.raw(_LISTS, where))


async def county_list(county_id: int | None, submission_id: int) -> ListSummary:
    rows = await Submission.raw(_LISTS, QueryString("t.county = {} AND s.id = {}", county_id or -1, submission_id))
    if not rows:
        raise NotFoundException()
    return _summaries(rows)[0]


async def township_list(township_id: int | None, submission_id: int) -> ListSummary:
    rows = await Submission.raw(_LISTS, QueryString("s.township = {} AND s.id = {}", township_id or -1, submission_id))
    if not rows:
        raise NotFoundException()
    return _summaries(rows)[0]


async def list_rows(submission_id: int) -> list[dict[str, Any]]:
    """The list as it stood when submitted, each row with the county's decision on it (and `item`, its id)."""
    submission = await Submission.select(Submission.snapshot).where(Submission.id == submission_id).first()
    rows = snapshot_rows(submission["snapshot"] if submission else [])
    items = await SubmissionItem.select().where(SubmissionItem.submission == submission_id)
    by_subject = {item["subject"]: item for item in items}
    for row in rows:
        item = by_subject[row["subject"]]
        decision = Decision(item["decision"])
        row.update(item=item["id"], decision=decision.value, decision_label=DECISION_LABELS[decision])
        row["reason"] = item["reason"]
    return rows


async def name_and_waiting(county_id: int | None) -> tuple[str, int]:
    """The county's name ("" for none) and how many of its lists wait for a decision."""
    rows = await Submission.raw(
        "SELECT (SELECT c.name FROM county c WHERE c.id = {}) AS name, count(*) AS n"
        " FROM county_submission s JOIN township t ON t.id = s.township WHERE t.county = {} AND s.state = 'submitted'",
        county_id or -1,
        county_id or -1,
    )
    return rows[0]["name"] or "", int(rows[0]["n"])
