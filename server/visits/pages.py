"""What the visit pages show, always within the viewer's scope, in a constant number of queries."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.querystring import QueryString

from server import policy
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.audit.actions import ACTIONS, actor_name
from server.audit.display import field_label
from server.clock import today
from server.database import fetch_query
from server.pairing.rules import eligible_sql
from server.policy.queries import NOTHING
from server.policy.registry import FOLLOW_UP_DAYS, MONITORED_FOLLOW_UP_DAYS, UNVISITED_ALERT_DAYS
from server.scope import household_scope_sql
from server.visits.geo import format_distance, visit_distance
from server.visits.queries import KEPT_DATES_JOIN, OVERDUE_KEPT, TOWNSHIP_DAY_COLUMNS, UNVISITED_KEPT
from server.visits.recording import FollowUpRule, may_edit

HEAD = "(SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1)"
VISIT_COLUMNS = (
    "v.id, v.household, v.cadre, v.visited_at, v.kind, v.note, v.problems, v.hardship, v.latitude, v.longitude,"
    " v.accuracy_m, v.expected_photos, v.version, v.created_at, v.updated_at, u.display_name AS cadre_name, h.code,"
    f" {HEAD} AS head, vl.name AS village_name, coalesce(h.latitude, vl.latitude) AS home_latitude,"
    " coalesce(h.longitude, vl.longitude) AS home_longitude,"
    # Its measures, photos and the household's confirmation in the same statement (rows of those tables, which
    # asyncpg reads with their types); `attach` turns them into dicts. Three statements fewer on every visit page.
    " ARRAY(SELECT m FROM visit_measure m WHERE m.visit = v.id ORDER BY m.position, m.id) AS measures,"
    " ARRAY(SELECT p FROM visit_photo p WHERE p.visit = v.id ORDER BY p.position, p.id) AS photos,"
    " (SELECT c FROM visit_confirmation c WHERE c.visit = v.id) AS confirmation"
)
VISIT_FROM = (
    " FROM visit v JOIN app_user u ON u.id = v.cadre JOIN household h ON h.id = v.household"
    " JOIN village vl ON vl.id = h.village"
)


def sees_distance(user: CurrentUser) -> bool:
    """Leaders and the township office see how far from the household a visit was recorded (never the cadre)."""
    return user.role in (Role.LEADER, Role.ADMIN)


# The household as the visit pages name it (their header): the columns, and their names in a row.
_HEADER_VALUES = {
    "id": "h.id",
    "code": "h.code",
    "monitoring_type": "h.monitoring_type",
    "head": HEAD,
    "village_name": "vl.name",
}
HEADER = tuple(_HEADER_VALUES)
HEADER_COLUMNS = ", ".join(f"{value} AS {name}" for name, value in _HEADER_VALUES.items())
_HEADER = f"SELECT {HEADER_COLUMNS} FROM household h JOIN village vl ON vl.id = h.village WHERE h.id = {{}} AND {{}}"


async def household_header(user: CurrentUser, household_id: int) -> dict[str, Any] | None:
    """The household as the visit pages name it; None when out of the user's scope."""
    rows = await fetch_query(QueryString(_HEADER, household_id, household_scope_sql(user, "h")))
    return dict(rows[0]) if rows else None


_VISIT_FORM = f"""
SELECT {HEADER_COLUMNS},
       h.monitoring_type IS NOT NULL AS is_monitored,
       {policy.sql(FOLLOW_UP_DAYS, "vl.township", "{}::date")} AS ordinary,
       {policy.sql(MONITORED_FOLLOW_UP_DAYS, "vl.township", "{}::date")} AS monitored,
       ARRAY(SELECT f FROM follow_up f WHERE f.household = h.id AND f.closed_at IS NULL ORDER BY f.due_on, f.id)
         AS follow_ups
FROM household h JOIN village vl ON vl.id = h.village WHERE h.id = {{}} AND {{}}
"""


async def visit_form(user: CurrentUser, household_id: int) -> dict[str, Any] | None:
    """What the visit form shows, in one statement: the household as `household_header` names it, its follow-up
    days (`rule`, as recording.follow_up_rule reads them) and its open follow-ups, soonest first, `due` within the
    coming week (ticked by default). None when the household is out of the user's scope."""
    day = today()
    rows = await fetch_query(QueryString(_VISIT_FORM, day, day, household_id, household_scope_sql(user, "h")))
    if not rows:
        return None
    row, week = rows[0], day + timedelta(days=7)
    follow_ups = [
        {"id": f["id"], "due_on": f["due_on"], "reason": f["reason"], "note": f["note"], "due": f["due_on"] <= week}
        for f in row["follow_ups"]
    ]
    rule = FollowUpRule(ordinary=row["ordinary"], monitored=row["monitored"], is_monitored=row["is_monitored"])
    return {"household": {key: row[key] for key in HEADER}, "rule": rule, "follow_ups": follow_ups}


# The visits of a page are picked first (their condition, the scope on their household, their order and number) and
# the rest of VISIT_COLUMNS is read for those only. Picked in the joined statement, PostgreSQL's generic plan
# (estimated for a cadre's average, some 30 visits) joined every visit of the cadre to their user and village,
# the user by a scan of the township's accounts per visit, before sorting: a cadre with 466 visits cost 2.8-3.2 ms
# of the database for their list of 30 (0.6 ms picked first), and the list's cost grew with every visit recorded.
_VISITS_PICKED = f"""
SELECT {VISIT_COLUMNS} FROM (
    SELECT v.* FROM visit v JOIN household h ON h.id = v.household WHERE %(condition)s AND {{}}
    ORDER BY v.visited_at DESC, v.id DESC LIMIT %(limit)s
) v
JOIN app_user u ON u.id = v.cadre JOIN household h ON h.id = v.household JOIN village vl ON vl.id = h.village
ORDER BY v.visited_at DESC, v.id DESC
"""


def _visits_picked(user: CurrentUser, condition: str, args: tuple[Any, ...], limit: int) -> QueryString:
    sql = _VISITS_PICKED.replace("%(condition)s", condition).replace("%(limit)s", str(int(limit)))
    return QueryString(sql, *args, household_scope_sql(user, "h"))


async def visits_where(user: CurrentUser, condition: str, *args: Any, limit: int = 50) -> list[dict[str, Any]]:
    """Visits matching `condition` (SQL on the visit `v` and its household `h`) within the user's scope, newest
    first, with measures and photos: one statement."""
    visits = [dict(row) for row in await fetch_query(_visits_picked(user, condition, args, limit))]
    attach(visits, user)
    return visits


# The visits (`_VISITS_PICKED`) with another statement's one row beside them: its columns after the visits', on a row
# of its own whose visit columns are NULL (a full join on FALSE joins no row to another: it keeps them all), so that
# a page showing both sends one statement. The join's rows come in no set order: the visits are put in theirs again
# in Python (sorted by PostgreSQL, their wide rows cost 0.05 ms more of the database).
_BESIDE = "SELECT * FROM ({}) v FULL JOIN ({}) beside ON FALSE"


async def visit_detail(user: CurrentUser, visit_id: int) -> dict[str, Any] | None:
    visits = await visits_where(user, "v.id = {}", visit_id, limit=1)
    return visits[0] if visits else None


def attach(visits: list[dict[str, Any]], user: CurrentUser) -> None:
    """Each visit (selected with VISIT_COLUMNS) with its measures, photos and confirmation as dicts, whether the
    user may still edit it and (for leaders) how far from the household it was recorded."""
    now = datetime.now(UTC)
    for visit in visits:
        visit["confirmation"] = dict(visit["confirmation"]) if visit["confirmation"] is not None else None
        visit["measures"] = [dict(row) for row in visit["measures"]]
        visit["photos"] = [dict(row) for row in visit["photos"]]
        visit["missing_photos"] = max(0, visit["expected_photos"] - len(visit["photos"]))
        visit["editable"] = may_edit(visit, user, now)
        if sees_distance(user):
            first = visit["photos"][0] if visit["photos"] else None
            metres = visit_distance(visit, first, (visit["home_latitude"], visit["home_longitude"]))
            visit["distance"] = format_distance(metres) if metres is not None else None


async def recent_visits(user: CurrentUser, limit: int = 30) -> list[dict[str, Any]]:
    """A cadre's own recent visits; a leader's or admin's, the township's."""
    if user.role is Role.CADRE:
        return await visits_where(user, "v.cadre = {}", user.id, limit=limit)
    return await visits_where(user, "TRUE", limit=limit)


async def recent_visits_beside(
    user: CurrentUser, beside: QueryString, columns: tuple[str, ...], limit: int = 30
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A cadre's own recent visits, as `recent_visits` reads them, and the one row of the statement `beside` (its
    `columns`, none of them a visit's), in one statement: the visit list's with the cadre's due follow-ups (a
    statement fewer: about 0.1 ms of the worker's CPU and 0.07 of the database's a list)."""
    return await visits_beside(user, "v.cadre = {}", (user.id,), beside, columns, limit)


async def visits_beside(
    user: CurrentUser, condition: str, args: tuple[Any, ...], beside: QueryString, columns: tuple[str, ...], limit: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The visits `visits_where` reads, and the one row of the statement `beside` (its `columns`, none of them a
    visit's; empty when it has none), in one statement (`_BESIDE`)."""
    visits = _visits_picked(user, condition, args, limit)
    rows = await fetch_query(QueryString(_BESIDE, visits, beside))
    found: list[dict[str, Any]] = []
    other: dict[str, Any] = {}
    for row in rows:
        visit = dict(row)
        shown = {name: visit.pop(name) for name in columns}
        if visit["id"] is None:
            other = shown
        else:
            found.append(visit)
    found.sort(key=lambda visit: (visit["visited_at"], visit["id"]), reverse=True)  # _VISITS_PICKED's order
    attach(found, user)
    return found, other


# The household as `household_header` names it (its columns named `household_<name>`), with the rest of its timeline
# besides the visits, read beside them (`visits_beside`) in one statement (four fewer): its follow-ups (rows of the
# table), the measures recorded outside visits (a placement, an attended training, a completed project: the ledger
# view of migrations/plans, so the timeline shows everything the household received) and its changes from the audit
# trail, its own and corrections of its visits (records, named by MEASURE and CHANGE; exports and reveals are
# looked-at, not changes: they stay in the audit trail only). Every value keeps its type: asyncpg reads rows and
# records of an array as it reads columns. Measures and changes come newest first, as many as the page needs (`{{}}`,
# TIMELINE_PAGE entries a page), each in one total order, so the newest n of the merged timeline are among the newest
# n of each source.
_TIMELINE = f"""
SELECT {", ".join(f"{value} AS household_{name}" for name, value in _HEADER_VALUES.items())},
       ARRAY(SELECT f FROM follow_up f WHERE f.household = h.id ORDER BY f.due_on DESC LIMIT 300) AS follow_ups,
       ARRAY(SELECT (d.source, d.type, d.amount, d.note, d.delivered_on,
                     d.delivered_on::timestamp AT TIME ZONE 'Asia/Shanghai')
             FROM delivered_measure d WHERE d.household = h.id AND d.source <> 'visit'
             ORDER BY d.delivered_on DESC, d.source, d.source_id DESC LIMIT {{}}) AS other_measures,
       ARRAY(SELECT (e.at, e.action, e.actor_label, u.display_name, e.target_type, e.target_id, e.detail)
             FROM audit_event e LEFT JOIN app_user u ON u.id = e.actor
             WHERE ((e.target_type = 'household' AND e.target_id = h.id::text)
                    OR (e.target_type = 'visit' AND e.action = 'visit_edited'
                        AND e.target_id IN (SELECT v.id::text FROM visit v WHERE v.household = h.id)))
               AND e.action <> 'export' AND e.action NOT LIKE '%reveal%'
             ORDER BY e.at DESC, e.id DESC LIMIT {{}}) AS changes
FROM household h JOIN village vl ON vl.id = h.village WHERE h.id = {{}} AND {{}}
"""
# Entries of a timeline page; "more" (server/visits/lists.py) brings the next ones.
TIMELINE_PAGE = 30
MEASURE = ("source", "type", "amount", "note", "delivered_on", "at")
CHANGE = ("at", "action", "actor_label", "actor_name", "target_type", "target_id", "detail")
_TIMELINE_COLUMNS = (*(f"household_{name}" for name in HEADER), "follow_ups", "other_measures", "changes")


async def timeline(user: CurrentUser, household_id: int, page: int = 1) -> dict[str, Any] | None:
    """The household (as `household_header` names it), its open follow-ups, and page `page` of its timeline: its
    visits (with measures, photos, answered follow-ups), explicit follow-ups, measures and changes, newest first,
    TIMELINE_PAGE entries a page (`more`: whether older ones follow); None when the household is out of the user's
    scope."""
    shown = page * TIMELINE_PAGE
    wanted = shown + 1  # from each source: the page's entries could all be its, and one more tells of more
    rest = QueryString(_TIMELINE, wanted, wanted, household_id, household_scope_sql(user, "h"))
    visits, row = await visits_beside(user, "v.household = {}", (household_id,), rest, _TIMELINE_COLUMNS, wanted)
    if not row:
        return None
    follow_ups = [dict(follow_up) for follow_up in row["follow_ups"]]
    answered: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for follow_up in follow_ups:
        if follow_up["closed_by_visit"]:
            answered[follow_up["closed_by_visit"]].append(follow_up)
    entries: list[dict[str, Any]] = []
    for visit in visits:
        visit["answered"] = [f for f in answered[visit["id"]] if f["reason"] != "schedule"]
        entries.append({"type": "visit", "at": visit["visited_at"], "visit": visit})
    planned = [f for f in follow_ups if f["reason"] != "schedule"]
    for follow_up in sorted(planned, key=lambda f: (f["created_at"], f["id"]), reverse=True):
        entries.append({"type": "follow_up", "at": follow_up["created_at"], "follow_up": follow_up})
    for measure in (dict(zip(MEASURE, record, strict=True)) for record in row["other_measures"]):
        entries.append({"type": "measure", "at": measure["at"], "measure": measure})
    for event in _changes([dict(zip(CHANGE, record, strict=True)) for record in row["changes"]]):
        entries.append({"type": "change", "at": event["at"], "event": event})
    entries.sort(key=lambda entry: entry["at"], reverse=True)  # stable: ties keep each source's own order
    open_ones = sorted((f for f in follow_ups if f["closed_at"] is None), key=lambda f: f["due_on"])
    household = {key: row[f"household_{key}"] for key in HEADER}
    return {
        "household": household,
        "entries": entries[shown - TIMELINE_PAGE : shown],
        "page": page,
        "more": len(entries) > shown,
        "open_follow_ups": open_ones,
        "today": today(),
    }


def _changes(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The household's own changes, and corrections of its visits, from the audit trail."""
    for event in events:
        if isinstance(event["detail"], str):  # jsonb arrives as text
            event["detail"] = json.loads(event["detail"])
        detail = event["detail"] if isinstance(event["detail"], dict) else {}
        changes: dict[str, Any] = detail["changes"] if isinstance(detail.get("changes"), dict) else {}
        event["title"] = ACTIONS.label(event["action"])
        event["who"] = actor_name(event["actor_name"], event["actor_label"])
        event["fields"] = [field_label(name, event["action"]) for name in sorted(changes)]
        # Values are shown only for visit corrections; household fields may hold personal data.
        event["shown_changes"] = changes if event["target_type"] == "visit" else {}
    return events


# Per village of a township, its households, those with an overdue follow-up and those not visited within the
# township's alert period (the conditions the dashboards count, over the dates kept per household), as records named
# by OVERVIEW, with the alert period beside them: one statement (the period, the villages and each count were four).
# The township's households are read through the village index, for its villages' ids as one array (a join of its
# villages to the households was planned as a scan of a county's 50,000 for its thousand: 40 ms a count).
_OVERVIEW = f"""
WITH t AS MATERIALIZED (
    SELECT r.unvisited_alert_days, {TOWNSHIP_DAY_COLUMNS.format(days="r.unvisited_alert_days")}
    FROM (SELECT {policy.sql(UNVISITED_ALERT_DAYS, "{}")} AS unvisited_alert_days) r
),
counted AS (
    SELECT h.village, count(*) AS households, count(*) FILTER (WHERE {OVERDUE_KEPT}) AS overdue,
           count(*) FILTER (WHERE {UNVISITED_KEPT}) AS unvisited
    FROM t CROSS JOIN household h {KEPT_DATES_JOIN}
    WHERE h.village = ANY(ARRAY(SELECT v.id FROM village v WHERE v.township = {{}})) AND {eligible_sql("h")}
    GROUP BY h.village
)
SELECT t.unvisited_alert_days,
       ARRAY(SELECT (vl.id, vl.name, coalesce(c.households, 0), coalesce(c.overdue, 0), coalesce(c.unvisited, 0))
             FROM village vl LEFT JOIN counted c ON c.village = vl.id
             WHERE vl.township = {{}} ORDER BY vl.code) AS villages
FROM t
"""
OVERVIEW = ("id", "name", "households", "overdue", "unvisited")


async def village_follow_up_overview(user: CurrentUser) -> tuple[int, list[dict[str, Any]]]:
    """The township's alert period (days), and per village: households needing a cadre, and those of them with an
    overdue follow-up and not visited in those days (as the coverage counts them, and its lists behind these figures
    show them); the villages with the most overdue, then the most unvisited, first (else in their order)."""
    township = user.township_id or NOTHING
    [row] = await fetch_query(QueryString(_OVERVIEW, township, township, township))
    villages = [dict(zip(OVERVIEW, village, strict=True)) for village in row["villages"]]
    villages.sort(key=lambda village: (-village["overdue"], -village["unvisited"]))
    return UNVISITED_ALERT_DAYS.convert(row["unvisited_alert_days"]), villages


_PHOTO = (
    "SELECT p.storage_key, p.thumbnail_key FROM visit_photo p JOIN visit v ON v.id = p.visit"
    " JOIN household h ON h.id = v.household WHERE p.id = {} AND {}"
)


async def photo_for_viewer(user: CurrentUser, photo_id: int) -> dict[str, Any] | None:
    """A visit photo's keys, only when the viewer may see its household."""
    rows = await fetch_query(QueryString(_PHOTO, photo_id, household_scope_sql(user, "h")))
    return dict(rows[0]) if rows else None
