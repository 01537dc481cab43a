"""What the finding pages read: findings with their check, household and responsible person; one finding with its
photos and answers; the township's open rectifications. Scope in the WHERE clause, a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.scope import WHOLE_TOWNSHIP
from server.supervision.findings import is_overdue
from server.supervision.tables import Finding, FindingPhoto, Rectification

HEAD = "(SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1)"


@dataclass(frozen=True)
class FindingRow:
    id: int
    spot_check: int
    check_title: str
    household: int | None
    head: str | None
    household_code: str | None
    village_name: str
    description: str
    responsible: int
    responsible_name: str
    deadline: date
    state: str
    found_at: datetime
    created_by: int
    created_by_name: str
    expected_photos: int
    overdue: bool


_FINDINGS = f"""
SELECT f.id, f.spot_check, c.title AS check_title, f.household, {HEAD} AS head, h.code AS household_code,
       vl.name AS village_name, f.description, f.responsible, ru.display_name AS responsible_name, f.deadline,
       f.state, f.found_at, f.created_by, cu.display_name AS created_by_name, f.expected_photos
FROM finding f JOIN spot_check c ON c.id = f.spot_check JOIN village vl ON vl.id = f.village
LEFT JOIN household h ON h.id = f.household
JOIN app_user ru ON ru.id = f.responsible JOIN app_user cu ON cu.id = f.created_by
WHERE c.township = {{}} AND {{}} AND {{}}
ORDER BY f.state = 'accepted', f.deadline, f.id
LIMIT 300
"""


def _visible(user: CurrentUser) -> QueryString:
    """The township's office, leaders and inspection group read every finding; anyone else only their own."""
    if user.role in WHOLE_TOWNSHIP:
        return QueryString("TRUE")
    return QueryString("f.responsible = {}", user.id)


async def findings_where(user: CurrentUser, today: date, condition: str, *args: Any) -> list[FindingRow]:
    rows = await Finding.raw(_FINDINGS, user.township_id or -1, _visible(user), QueryString(condition, *args))
    return [FindingRow(**row, overdue=is_overdue(row, today)) for row in rows]


async def finding_detail(user: CurrentUser, finding_id: int, today: date) -> dict[str, Any] | None:
    """The finding, its own photos, and each answer with its evidence photos (three queries)."""
    found = await findings_where(user, today, "f.id = {}", finding_id)
    if not found:
        return None
    answers = (
        await Rectification.select(
            *Rectification.all_columns(),
            Rectification.answered_by.display_name.as_alias("answered_by_name"),
            Rectification.verdict_by.display_name.as_alias("verdict_by_name"),
        )
        .where(Rectification.finding == finding_id)
        .order_by(Rectification.id)
    )
    photos = await FindingPhoto.select().where(FindingPhoto.finding == finding_id).order_by(FindingPhoto.position)
    by_answer: defaultdict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for photo in photos:
        by_answer[photo["rectification"]].append(photo)
    for row in answers:
        row["photos"] = by_answer[row["id"]]
    return {"finding": found[0], "photos": by_answer[None], "answers": answers}


async def photo_for_viewer(user: CurrentUser, photo_id: int) -> dict[str, Any] | None:
    rows = await FindingPhoto.raw(
        "SELECT p.storage_key, p.thumbnail_key FROM finding_photo p JOIN finding f ON f.id = p.finding"
        " JOIN spot_check c ON c.id = f.spot_check WHERE p.id = {} AND c.township = {} AND {}",
        photo_id,
        user.township_id or -1,
        _visible(user),
    )
    return rows[0] if rows else None


def open_counts_sql(user: CurrentUser, today: date) -> QueryString:
    """One row: the findings the user sees that are open (not accepted), overdue, answered; alone or inside the
    home's one statement of figures (server/home/queries.py)."""
    return QueryString(
        "SELECT count(*) FILTER (WHERE f.state <> 'accepted') AS open,"
        " count(*) FILTER (WHERE f.state = 'open' AND f.deadline < {}) AS overdue,"
        " count(*) FILTER (WHERE f.state = 'answered') AS answered"
        " FROM finding f JOIN spot_check c ON c.id = f.spot_check WHERE c.township = {} AND {}",
        today,
        user.township_id or -1,
        _visible(user),
    )


async def open_counts(user: CurrentUser, today: date) -> dict[str, int]:
    rows = await Finding.raw("{}", open_counts_sql(user, today))
    return {key: int(value) for key, value in rows[0].items()}
