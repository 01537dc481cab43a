"""Visit and follow-up figures other areas call (home cards, household page, dashboards, jobs); no HTTP here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.clock import today
from server.database import fetch_query
from server.scope import household_scope_sql
from server.visits.tables import FollowUp

# A household `h`'s last visit (its time, its cadre's name) and the due date of its next open follow-up, as columns
# for the pages that read them in the household's own statement; the two dates as the database keeps them (below).
LAST_VISITED_AT_SQL = "(SELECT d.last_visited_at FROM household_visit_dates d WHERE d.household = h.id)"
NEXT_FOLLOW_UP_SQL = "(SELECT d.first_open_due_on FROM household_visit_dates d WHERE d.household = h.id)"
LAST_VISIT_CADRE_SQL = (
    "(SELECT u.display_name FROM visit x JOIN app_user u ON u.id = x.cadre WHERE x.household = h.id"
    " ORDER BY x.visited_at DESC, x.id DESC LIMIT 1)"
)


async def create_follow_up(
    household_id: int,
    due_on: date,
    reason: str,
    *,
    cadre_id: int | None = None,
    created_by: int | None = None,
    note: str = "",
) -> int:
    """An explicit follow-up (e.g. the jobs area's 1/3/6-month placement checks). Runs in the caller's transaction."""
    if reason == "schedule":
        raise ValueError("the schedule follow-up is kept by visits; use 'placement' or 'measure'")
    [row] = await FollowUp.insert(
        FollowUp(
            household=household_id, due_on=due_on, reason=reason, cadre=cadre_id, created_by=created_by, note=note[:200]
        )
    ).returning(FollowUp.id)
    return int(row["id"])


def cadre_follow_ups_where(user: CurrentUser) -> QueryString:
    """Open follow-ups `f` (of household `h`) that are the cadre's: of the households actively paired with the cadre,
    or addressed to the cadre, and in either case of a household the cadre may open (a household handed over to
    another cadre takes its follow-ups along). The home's figures and the follow-up list both read this."""
    return QueryString(
        # The two kinds found through their indexes (by cadre, by paired household): `f.cadre = … OR f.household IN …`
        # read every open follow-up of the database (100 ms at county scale for the home's two figures). Their ids
        # in an array, read once, so that `f` is fetched by id whatever the statistics say: as `f.id IN (…)` the
        # planner scanned the township's open follow-ups into a hash (0.70 → 0.31 ms on the township demo's home).
        "f.closed_at IS NULL AND {} AND f.id = ANY (ARRAY(SELECT id FROM follow_up WHERE cadre = {}"
        " AND closed_at IS NULL UNION ALL SELECT o.id FROM follow_up o JOIN pairing p ON p.household = o.household"
        " WHERE p.cadre = {} AND p.ended_on IS NULL AND o.closed_at IS NULL))",
        household_scope_sql(user, "h"),
        user.id,
        user.id,
    )


def due_counts_sql(user: CurrentUser) -> QueryString:
    """Households of the cadre with a follow-up overdue (`overdue`) and with one due in the next 7 days
    (`due_this_week`): for the visit list alone, or inside the home's one statement of badges (server/home/queries.py).
    """
    day = today()
    return QueryString(
        "SELECT count(DISTINCT f.household) FILTER (WHERE f.due_on < {}) AS overdue,"
        " count(DISTINCT f.household) FILTER (WHERE f.due_on >= {} AND f.due_on <= {}) AS due_this_week"
        " FROM follow_up f JOIN household h ON h.id = f.household WHERE {}",
        day,
        day,
        day + timedelta(days=7),
        cadre_follow_ups_where(user),
    )


# The cadre's open follow-ups due by a day (overdue first, with the household's head: the first 500) and, counted
# over all of them, the households with one overdue and with one due in the next 7 days (the figures of due_counts_sql,
# which the follow-ups read cover: they run to the later of the two days). One row: the two figures and the follow-ups
# as records named by DUE (asyncpg reads the values of a record with their types, as it reads columns), so that the
# visit list reads it beside its visits in one statement (`pages.recent_visits_beside`).
_DUE_FOLLOW_UPS = """
WITH due AS MATERIALIZED (
    SELECT f.id, f.household, f.due_on, f.reason, f.note FROM follow_up f JOIN household h ON h.id = f.household
    WHERE {} AND f.due_on <= greatest({}::date, {}::date)
), figures AS (
    SELECT count(DISTINCT household) FILTER (WHERE due_on < {}) AS overdue_households,
           count(DISTINCT household) FILTER (WHERE due_on >= {} AND due_on <= {}) AS due_this_week_households
    FROM due
)
SELECT figures.*, ARRAY(
    SELECT (d.id, d.household, d.due_on, d.reason, d.note, d.due_on < {}, h.code,
            (SELECT m.name FROM member m WHERE m.household = d.household AND m.relation = 'head' LIMIT 1),
            vl.name)
    FROM due d JOIN household h ON h.id = d.household JOIN village vl ON vl.id = h.village
    WHERE d.due_on <= {}
    ORDER BY d.due_on, d.id LIMIT 500
) AS due_follow_ups FROM figures
"""
DUE = ("id", "household", "due_on", "reason", "note", "overdue", "code", "head", "village_name")
DUE_COLUMNS = ("overdue_households", "due_this_week_households", "due_follow_ups")  # the statement's row


def due_follow_ups_sql(user: CurrentUser, within_days: int = 7) -> QueryString:
    """The statement of `due_follow_ups`: one row, which `due_follow_ups_of` reads."""
    day = today()
    last, week = day + timedelta(days=within_days), day + timedelta(days=7)
    return QueryString(_DUE_FOLLOW_UPS, cadre_follow_ups_where(user), last, week, day, day, week, day, last)


def due_follow_ups_of(row: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """`due_follow_ups` from its statement's row."""
    summary = {"overdue": row["overdue_households"], "due_this_week": row["due_this_week_households"]}
    return [dict(zip(DUE, record, strict=True)) for record in row["due_follow_ups"]], summary


async def due_follow_ups(user: CurrentUser, within_days: int = 7) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The cadre's open follow-ups due by `within_days` from today (overdue first), with the household's head; and
    the households with a follow-up overdue (`overdue`) and with one due in the next 7 days (`due_this_week`)."""
    # Sent as it is (fetch_query), without Piccolo's query object around it and its dict per row.
    [row] = await fetch_query(due_follow_ups_sql(user, within_days))
    return due_follow_ups_of(row)


async def cadre_follow_ups(user: CurrentUser, within_days: int = 7) -> list[dict[str, Any]]:
    """The cadre's open follow-ups due by `within_days` from today (overdue first), with the household's head."""
    listed, _ = await due_follow_ups(user, within_days)
    return listed


# Conditions on a household alias `h` and its township row `t`, for dashboards and the lists behind their figures
# (server/pairing/visit_figures.py), over the dates the database keeps per household (household_visit_dates, kept
# exact in the writing transaction by the triggers of visit and follow_up:
# migrations/visits/visits_2026_12_06t00_30_00_000000.py): no visit or follow-up is read, whatever the number of
# households (a county's 50,000 and 1.8 million visits). A household is unvisited when no visit of it falls at or
# after the start of the alert period (one dated later than now counts): its last visit is older; overdue when an
# open follow-up was due before the local today: its first open one was. `d` left-joined to a household `h`.
# The start of the alert period and the local today are columns of `t` (TOWNSHIP_DAY_COLUMNS, over the township's
# `unvisited_alert_days`), worked out once per township: per household, the interval and the time zone's conversion
# were a third of a county's coverage statement (50,000 households: 84-109 → 54-61 ms of backend CPU).
LOCAL_TODAY_SQL = "(now() AT TIME ZONE 'Asia/Shanghai')::date"
KEPT_DATES_JOIN = "LEFT JOIN household_visit_dates d ON d.household = h.id"
TOWNSHIP_DAY_COLUMNS = (
    f"now() - make_interval(days => {{days}}::int) AS unvisited_before, {LOCAL_TODAY_SQL} AS local_today"
)
UNVISITED_KEPT = "(d.last_visited_at IS NULL OR d.last_visited_at < t.unvisited_before)"
OVERDUE_KEPT = "coalesce(d.first_open_due_on < t.local_today, FALSE)"
