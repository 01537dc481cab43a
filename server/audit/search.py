"""Searching the audit trail of a township: filters, scope, keyset pagination on id (newest first).

Scope: an event belongs to the township of its actor (an employer account: its employer's township), of its
target household, of its target public report (what someone told the township through a door card or its page), or
of its target list sent to the county (the county office's decision on it is part of the township's trail).
Events with no known actor (a failed login with a username that does not exist) belong to no township; they are
never listed (the typed text may be someone's password typed into the wrong field), and every admin sees only how
many there were.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from server.audit.tables import AuditEvent
from server.clock import TIMEZONE

PAGE_SIZE = 30
EXPORT_LIMIT = 5000
NOTHING = -1
ACTION_CODE = re.compile(r"^[a-z_]{1,40}$")
TARGET_ID = re.compile(r"^[A-Za-z0-9_:.-]{1,40}$")

IN_TOWNSHIP = """(u.township = {}
  OR u.employer IN (SELECT id FROM employer WHERE township = {})
  OR (e.target_type = 'household' AND e.target_id IN
      (SELECT h.id::text FROM household h JOIN village v ON v.id = h.village WHERE v.township = {}))
  OR (e.target_type = 'public_report' AND e.target_id IN
      (SELECT r.id::text FROM public_report r WHERE r.township = {}))
  OR (e.target_type = 'county_submission' AND e.target_id IN
      (SELECT s.id::text FROM county_submission s WHERE s.township = {})))"""

SELECT = """SELECT e.id, e.at, e.action, e.actor, e.actor_label, e.target_type, e.target_id, e.ip, e.detail,
       u.display_name AS actor_name, u.username AS actor_username
FROM audit_event e LEFT JOIN app_user u ON u.id = e.actor"""


def in_township_args(township: int) -> list[Any]:
    """The arguments of IN_TOWNSHIP: the township, once for each of its conditions."""
    return [township] * IN_TOWNSHIP.count("{}")


@dataclass(frozen=True)
class AuditFilters:
    """What the admin asked for; every value already checked (an invalid one is dropped, not trusted)."""

    action: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(cls, query: dict[str, str]) -> AuditFilters:
        def text(name: str) -> str:
            return (query.get(name) or "").strip()

        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(text(name)) if text(name) else None
            except ValueError:
                return None

        action, target_type, target_id = text("action"), text("target_type"), text("target_id")
        return cls(
            action=action if ACTION_CODE.match(action) else "",
            actor=text("actor")[:40],
            target_type=target_type if ACTION_CODE.match(target_type) else "",
            target_id=target_id if TARGET_ID.match(target_id) else "",
            date_from=day("from"),
            date_to=day("to"),
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for the next page and the export links)."""
        values = {
            "action": self.action,
            "actor": self.actor,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


@dataclass
class AuditPage:
    events: list[dict[str, Any]] = field(default_factory=list)
    next_before: int | None = None  # the `before` of the next (older) page, None when this is the last
    unknown_users: int = 0  # events of unknown users in the same period (not listed)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TIMEZONE)


def _period(filters: AuditFilters, conditions: list[str], args: list[Any]) -> None:
    if filters.date_from:
        conditions.append("e.at >= {}")
        args.append(_start_of(filters.date_from))
    if filters.date_to:
        conditions.append("e.at < {}")
        args.append(_start_of(filters.date_to + timedelta(days=1)))


def _conditions(township_id: int | None, filters: AuditFilters) -> tuple[list[str], list[Any]]:
    township = township_id or NOTHING
    conditions: list[str] = [IN_TOWNSHIP]
    args: list[Any] = in_township_args(township)
    if filters.action:
        conditions.append("e.action = {}")
        args.append(filters.action)
    if filters.actor:
        conditions.append("e.actor IN (SELECT id FROM app_user WHERE lower(username) = lower({}))")
        args.append(filters.actor)
    if filters.target_type == "household" and filters.target_id:
        # A household's events include those about its members and visits, which name it in their detail.
        conditions.append(
            "((e.target_type = 'household' AND e.target_id = {})"
            " OR (e.detail ? 'household' AND e.detail ->> 'household' = {}))"  # audit_event_detail_household
        )
        args.extend([filters.target_id, filters.target_id])
    elif filters.target_type:
        conditions.append("e.target_type = {}")
        args.append(filters.target_type)
    if filters.target_id and filters.target_type != "household":
        conditions.append("e.target_id = {}")
        args.append(filters.target_id)
    _period(filters, conditions, args)
    return conditions, args


async def search(township_id: int | None, filters: AuditFilters, before: int = 0) -> AuditPage:
    """One page of the township's events, newest first, older than `before` (0: from the newest)."""
    conditions, args = _conditions(township_id, filters)
    if before > 0:
        conditions.append("e.id < {}")
        args.append(before)
    sql = f"{SELECT} WHERE {' AND '.join(conditions)} ORDER BY e.id DESC LIMIT {{}}"
    rows = await AuditEvent.raw(sql, *args, PAGE_SIZE + 1)
    result = AuditPage(events=details_read(rows[:PAGE_SIZE]))
    if len(rows) > PAGE_SIZE:
        result.next_before = rows[PAGE_SIZE - 1]["id"]
    if before == 0 and not (filters.actor or filters.target_type or filters.target_id):
        result.unknown_users = await unknown_user_events(filters)
    return result


async def export_rows(township_id: int | None, filters: AuditFilters) -> list[dict[str, Any]]:
    """Up to EXPORT_LIMIT + 1 events for the spreadsheet (one more tells the export that it was cut)."""
    conditions, args = _conditions(township_id, filters)
    sql = f"{SELECT} WHERE {' AND '.join(conditions)} ORDER BY e.id DESC LIMIT {{}}"
    return details_read(await AuditEvent.raw(sql, *args, EXPORT_LIMIT + 1))


def details_read(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with each event's detail read from its JSON text once (the display reads it for the names the
    events' details name, and again for each event)."""
    for row in rows:
        if isinstance(row["detail"], str):
            row["detail"] = json.loads(row["detail"] or "{}")
    return rows


async def unknown_user_events(filters: AuditFilters) -> int:
    """How many events of unknown users (no account) match the action and period: a count, never the rows."""
    conditions: list[str] = ["e.actor IS NULL", "e.target_type = ''"]
    args: list[Any] = []
    if filters.action:
        conditions.append("e.action = {}")
        args.append(filters.action)
    _period(filters, conditions, args)
    rows = await AuditEvent.raw(f"SELECT count(*) AS n FROM audit_event e WHERE {' AND '.join(conditions)}", *args)
    return int(rows[0]["n"])


async def event_in_township(township_id: int | None, event_id: int) -> dict[str, Any] | None:
    township = township_id or NOTHING
    rows = await AuditEvent.raw(f"{SELECT} WHERE e.id = {{}} AND {IN_TOWNSHIP}", event_id, *in_township_args(township))
    return rows[0] if rows else None


# The names of what events name by id, in one statement: villages, households (number and head) and accounts of the
# township, and townships by name (who may read the trail sees their own township's events only).
_NAMES = """
SELECT 'village' AS kind, v.id, v.name FROM village v WHERE v.id = ANY({}::int[]) AND v.township = {}
UNION ALL
SELECT 'household', h.id, concat_ws(' ', h.code, (SELECT m.name FROM member m WHERE m.household = h.id
                                                  AND m.relation = 'head' ORDER BY m.id LIMIT 1))
FROM household h JOIN village v ON v.id = h.village WHERE h.id = ANY({}::int[]) AND v.township = {}
UNION ALL
SELECT 'user', u.id, u.display_name FROM app_user u WHERE u.id = ANY({}::int[]) AND u.township = {}
UNION ALL
SELECT 'township', t.id, t.name FROM township t WHERE t.id = ANY({}::int[])
"""


async def names(township_id: int | None, wanted: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """{"village": {id: name}, ...} for the ids the events of a page name (server.audit.display.named_ids)."""
    if not any(wanted.values()):
        return {}
    township = township_id or NOTHING
    ids = {kind: sorted(wanted.get(kind, ())) for kind in ("village", "household", "user", "township")}
    rows = await AuditEvent.raw(_NAMES, ids["village"], township, ids["household"], township, ids["user"], township,
                                ids["township"])  # fmt: skip
    found: dict[str, dict[int, str]] = {}
    for row in rows:
        found.setdefault(row["kind"], {})[row["id"]] = row["name"]
    return found
