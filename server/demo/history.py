"""The visit history of the county and province scales, generated inside PostgreSQL.

The township demo's visits are drawn in Python (server/demo/visits.py) and its pages and tests read them. At county
and province scale the same shape of history (a visit about every follow-up interval, 12% of households overdue,
measures on 30% of visits, the schedule follow-ups they answer) is made by INSERT ... SELECT over generate_series:
no row travels from Python, and every choice comes from a hash of an id (`hashint8extended`), so a load is
repeatable. Visits happen only while a cadre is paired with the household, by that cadre: each household's pairing
history is first extended back to the start of the window (an earlier cadre who moved on), so the years of history
the benchmark needs are visited by someone who was responsible then.

The secondary indexes and foreign keys of the tables written are dropped before and made again after, in the same
transaction (a sorted build instead of millions of random index insertions); the primary keys stay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta

import asyncpg

from server import policy
from server.clock import TIMEZONE
from server.demo.pairing import END_REASONS
from server.demo.visits import KINDS, MEASURES, NOTES, OVERDUE_SHARE, PROBLEMS
from server.demo.writer import owns, refresh_statistics, triggers_off
from server.operations.partitions import VISITS, ensure_span
from server.pairing.rules import eligible_sql
from server.policy.registry import FOLLOW_UP_DAYS, MONITORED_FOLLOW_UP_DAYS

# `visit_key` (where visits are partitioned: their ids and exactly-once client ids, filled by a statement trigger)
# is left out where it does not exist.
BULK_TABLES = ("visit", "visit_key", "visit_measure", "follow_up")
CHUNK = 1_000_000  # visits per statement
LONG = 1800  # seconds: a statement of the bulk load, or an index built over a province's 15 million visits
MEASURE_SHARE = 30  # percent of visits that record a measure
PROBLEM_SHARE = 15  # percent of visits that note a problem
NEAR_SHARE = 85  # percent of home visits with a position near the household
# Look up each closed follow-up's visit (1.8 million at county scale) and each measure's: off while the load writes the
# same values.
CLOSING_FACTS_TRIGGER = "follow_up_closing_visit_facts_set"
MEASURE_FACTS_TRIGGER = "visit_measure_visit_facts_set"
# Counts each household's deliveries anew when measures are added (migration plans_2026_12_06t09_40_00): for each slice
# of a million visits, every household touched (22 s for a county's, more with each slice): off while the load
# writes, and the townships' households counted once at the end.
DELIVERED_TRIGGER = "visit_measure_inserted_delivered"
DELIVERIES_RECOUNTED = (
    "SELECT delivered_count_recounted(ARRAY(SELECT h.id FROM household h JOIN village v ON v.id = h.village"
    " WHERE v.township = ANY($1::int[])))"
)


def pick(key: str, seed: int, count: int | str) -> str:
    """SQL: a whole number in [0, count) drawn from the hash of `key` (an SQL expression) and the seed."""
    return f"((((hashint8extended(({key})::bigint, {seed}) % ({count})) + ({count})) % ({count}))::int)"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def array(values: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join(map(literal, values)) + "]"


def one_of(values: tuple[str, ...], key: str, seed: int) -> str:
    return f"({array(values)})[1 + {pick(key, seed, len(values))}]"


# Pairings that reach back to the window's start: a household whose first pairing started later had an earlier
# cadre (another of its township's), who moved on the day before; an eligible household with no pairing at all had
# one until a few weeks or months ago (so it is uncovered now, and the assistant has work).
HISTORY_PAIRINGS = f"""
WITH cadres AS (
  SELECT township, array_agg(id ORDER BY id) AS ids FROM app_user
  WHERE township = ANY($1::int[]) AND role IN ('leader', 'cadre') AND is_active GROUP BY township
), firsts AS (
  SELECT h.id AS household, v.township, min(p.started_on) AS first_start,
         (array_agg(p.cadre ORDER BY p.started_on))[1] AS first_cadre
  FROM household h JOIN village v ON v.id = h.village LEFT JOIN pairing p ON p.household = h.id AND p.rank = 1
  WHERE v.township = ANY($1::int[]) AND {eligible_sql("h")}
  GROUP BY h.id, v.township
), earlier AS (
  SELECT f.household, c.ids, f.first_cadre,
         coalesce(f.first_start, $2::date - 20 - {pick("f.household", 1, 100)}::int) - 1 AS ended_on,
         {pick("f.household", 2, "cardinality(c.ids)")} AS slot
  FROM firsts f JOIN cadres c ON c.township = f.township
  WHERE coalesce(f.first_start, $2::date) > $3::date
)
INSERT INTO pairing (household, cadre, rank, started_on, ended_on, start_reason, end_reason)
SELECT household,
       CASE WHEN ids[1 + slot] = first_cadre AND cardinality(ids) > 1
            THEN ids[1 + (slot + 1) % cardinality(ids)] ELSE ids[1 + slot] END,
       1, least(ended_on, $3::date - {pick("household", 3, 200)}::int), ended_on, '年度结对安排',
       {one_of(END_REASONS, "household", 4)}
FROM earlier
"""

# Every first-rank pairing of the townships as a stretch of visits: `visits` of them, `step` days apart, the last
# on `last_day` (recent, or overdue for 12% of the current ones), none before `first_day`; `first_id` - 1 is
# the stretch's offset in the block of visit ids reserved for all of them.
PERIODS = f"""
CREATE TEMPORARY TABLE demo_period ON COMMIT DROP AS
WITH towns AS MATERIALIZED (
  SELECT id, {policy.sql(FOLLOW_UP_DAYS, "id")} AS follow_up_days,
         {policy.sql(MONITORED_FOLLOW_UP_DAYS, "id")} AS monitored_follow_up_days
  FROM township WHERE id = ANY($1::int[])
), periods AS (
  SELECT p.id AS pairing, p.household, p.cadre, p.ended_on IS NULL AS current,
         greatest(p.started_on, $3::date) AS first_day, coalesce(p.ended_on, $2::date) AS end_day,
         CASE WHEN h.monitoring_type IS NULL THEN t.follow_up_days ELSE t.monitored_follow_up_days END AS cadence,
         coalesce(h.latitude, v.latitude) AS lat, coalesce(h.longitude, v.longitude) AS lng
  FROM pairing p JOIN household h ON h.id = p.household JOIN village v ON v.id = h.village
  JOIN towns t ON t.id = v.township
  WHERE v.township = ANY($1::int[]) AND p.rank = 1
), shaped AS (
  SELECT *, greatest(7, cadence + {pick("pairing", 5, 21)} - 10) AS step,
         CASE WHEN current THEN end_day - 1 - {pick("pairing", 6, "greatest(2, cadence - 3)")}
                - CASE WHEN {pick("pairing", 7, 100)} < {round(OVERDUE_SHARE * 100)}
                       THEN cadence + 3 + {pick("pairing", 8, 28)} ELSE 0 END
              ELSE end_day - {pick("pairing", 9, 30)} END AS last_day
  FROM periods
), counted AS (
  SELECT *, CASE WHEN last_day >= first_day THEN (last_day - first_day) / step + 1 ELSE 0 END AS visits
  FROM shaped
)
SELECT *, sum(visits) OVER (ORDER BY household, first_day, pairing) - visits + 1 AS first_id
FROM counted WHERE visits > 0
"""

KEY = "p.pairing::bigint * 1024 + j"  # one visit of the stretch: its hashes' key


def day(j: str) -> str:
    """SQL: the date of the stretch's visit number `j` (0 the oldest); all but the last moved up to 3 days later."""
    j = f"({j})"
    key = f"p.pairing::bigint * 1024 + {j}"
    later = f"CASE WHEN {j} < p.visits - 1 THEN {pick(key, 10, 4)} ELSE 0 END"
    return f"(p.last_day - (p.visits - 1 - {j}) * p.step + {later})"


def moment(j: str) -> str:
    """SQL: when visit `j` took place, between 8:00 and 17:55 local time."""
    key = f"p.pairing::bigint * 1024 + ({j})"
    return (
        f"(({day(j)} + make_time(8 + {pick(key, 11, 10)}::int, 5 * {pick(key, 12, 12)}::int, 0))"
        f" AT TIME ZONE {literal(str(TIMEZONE))})"
    )


def _kind_sql(key: str) -> str:
    draw, bound, branches = pick(key, 13, 100), 0, []
    for kind, weight in KINDS[:-1]:
        bound += weight
        branches.append(f"WHEN {draw} < {bound} THEN {literal(kind)}")
    return f"CASE {' '.join(branches)} ELSE {literal(KINDS[-1][0])} END"


def _note_sql(key: str) -> str:
    branches = [f"WHEN {literal(kind)} THEN {one_of(notes, key, 14)}" for kind, notes in NOTES.items()]
    return f"CASE w.kind {' '.join(branches)} END"


def _near(key: str) -> str:
    return f"(w.kind = 'home' AND p.lat IS NOT NULL AND {pick(key, 15, 100)} < {NEAR_SHARE})"


VISITS_SQL = f"""
INSERT INTO visit (id, client_id, household, cadre, visited_at, kind, note, problems, latitude, longitude,
                   accuracy_m, expected_photos, fingerprint, version, created_at, updated_at)
SELECT $1::bigint + p.first_id + j,
       overlay(overlay(md5(({KEY})::text || '-demo-visit') PLACING '4' FROM 13 FOR 1) PLACING '8' FROM 17 FOR 1)::uuid,
       p.household, p.cadre, w.at, w.kind, {_note_sql(KEY)},
       CASE WHEN {pick(KEY, 16, 100)} < {PROBLEM_SHARE} THEN {one_of(PROBLEMS, KEY, 17)} ELSE '' END,
       CASE WHEN {_near(KEY)} THEN p.lat + ({pick(KEY, 18, 4001)} - 2000) / 1e6 END,
       CASE WHEN {_near(KEY)} THEN p.lng + ({pick(KEY, 19, 4001)} - 2000) / 1e6 END,
       CASE WHEN {_near(KEY)} THEN (ARRAY[8.0, 15.0, 30.0])[1 + {pick(KEY, 20, 3)}] END,
       0, 'demo', 1, w.at, w.at
FROM demo_period p CROSS JOIN LATERAL generate_series(0, p.visits - 1) AS j
CROSS JOIN LATERAL (SELECT {moment("j")} AS at, {_kind_sql(KEY)} AS kind) AS w
WHERE p.first_id >= $2 AND p.first_id < $3
"""


def _amount_sql(key: str) -> str:
    branches = [
        f"WHEN {literal(kind)} THEN {low} + 50 * {pick(key, 23, (high - low) // 50)}"
        for kind, amounts in MEASURES
        if amounts is not None
        for low, high in [amounts]
    ]
    return f"CASE m.type {' '.join(branches)} END"


MEASURES_SQL = f"""
INSERT INTO visit_measure (visit, type, amount, note, position, cadre, visited_at)
SELECT m.visit, m.type, {_amount_sql("m.visit")}, '', 0, m.cadre, m.visited_at
FROM (SELECT v.id AS visit, v.cadre, v.visited_at, {one_of(tuple(kind for kind, _ in MEASURES), "v.id", 22)} AS type
      FROM visit v
      WHERE v.id >= $1::bigint + $2 AND v.id < $1::bigint + $3 AND {pick("v.id", 21, 100)} < {MEASURE_SHARE}) AS m
"""

# The schedule follow-up each visit set, answered by the stretch's next visit; the last one of a current pairing
# is still open (overdue where the visit is). The answering visit's cadre and local day are written with it (what
# the trigger follow_up_closing_visit_facts_set would look up, one visit at a time).
FOLLOW_UPS = f"""
INSERT INTO follow_up (household, due_on, reason, cadre, created_by, closed_by_visit, closed_at, note, created_at,
                       closing_visit_cadre, closing_visit_day)
SELECT p.household, {day("j")} + p.cadence, 'schedule', p.cadre, p.cadre,
       CASE WHEN j < p.visits - 1 THEN $1::bigint + p.first_id + j + 1 END,
       CASE WHEN j < p.visits - 1 THEN {moment("j + 1")} END, '', {moment("j")},
       CASE WHEN j < p.visits - 1 THEN p.cadre END, CASE WHEN j < p.visits - 1 THEN {day("j + 1")} END
FROM demo_period p CROSS JOIN LATERAL generate_series(0, p.visits - CASE WHEN p.current THEN 1 ELSE 2 END) AS j
WHERE p.first_id >= $2 AND p.first_id < $3
"""


@asynccontextmanager
async def indexes_deferred(connection: asyncpg.Connection, tables: tuple[str, ...]) -> AsyncIterator[bool]:
    """Drop the tables' secondary indexes, unique constraints and foreign keys (the primary keys stay); make them
    again, from their own definitions, when the block ends. Call inside the load's transaction. Only the tables'
    owner may (`bangfu demo` runs as the owner); for another role, nothing is dropped."""
    owner = await owns(connection, *tables)
    if not owner:  # the app role (as in the tests) may not drop indexes: the rows go in with the indexes there
        yield False
        return
    constraints = await connection.fetch(
        "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        " WHERE conrelid = ANY($1::regclass[]) AND contype IN ('u', 'f') AND conparentid = 0 ORDER BY contype",
        list(tables),
    )
    indexes = await connection.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i"
        " WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
        list(tables),
    )
    for row in constraints:
        await connection.execute(f'ALTER TABLE {row["tab"]} DROP CONSTRAINT "{row["conname"]}"')
    for row in indexes:
        await connection.execute(f"DROP INDEX {row['name']}")
    yield True
    await connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for row in indexes:
        await connection.execute(row["definition"].replace(" ON ONLY ", " ON ", 1), timeout=LONG)
    for row in reversed(constraints):  # the unique constraints before the foreign keys
        await connection.execute(
            f'ALTER TABLE {row["tab"]} ADD CONSTRAINT "{row["conname"]}" {row["definition"]}', timeout=LONG
        )


def closing_lookup_off(connection: asyncpg.Connection, owner: bool) -> AbstractAsyncContextManager[None]:
    """The owner turns off the triggers that look up each closed follow-up's visit and each measure's, and the one
    that counts the households' deliveries, while the load writes; on again when the block ends (the caller counts the
    deliveries then). For another role they stay on (and write the same)."""
    return triggers_off(
        connection,
        owner,
        ("follow_up", CLOSING_FACTS_TRIGGER),
        ("visit_measure", MEASURE_FACTS_TRIGGER),
        ("visit_measure", DELIVERED_TRIGGER),
    )


async def history_demo(connection: asyncpg.Connection, township_ids: list[int], months: int) -> Counter[str]:
    """Pairing history, visits, measures and follow-ups of the townships over the last `months` months."""
    today = datetime.now(TIMEZONE).date()
    window = today - timedelta(days=30 * months)
    earlier = await connection.execute(HISTORY_PAIRINGS, township_ids, today, window, timeout=LONG)
    # CREATE TABLE AS takes no parameters: the ids and dates are written into it (numbers and dates of our own).
    ids = ", ".join(str(int(township_id)) for township_id in township_ids)
    periods = PERIODS.replace("$1::int[]", f"ARRAY[{ids}]::int[]").replace("$2::date", f"DATE '{today}'")
    await connection.execute(periods.replace("$3::date", f"DATE '{window}'"), timeout=LONG)
    total = int(await connection.fetchval("SELECT coalesce(sum(visits), 0) FROM demo_period"))
    if not total:
        return Counter()
    base = await _reserve_visit_ids(connection, total)
    measures = 0
    tables = tuple([name for name in BULK_TABLES if await connection.fetchval("SELECT to_regclass($1)", name)])
    async with indexes_deferred(connection, tables) as owner:
        if owner:  # each past year's partition made first, so the rows go straight into it
            await ensure_span(connection, VISITS, window, today)
        # In slices of about CHUNK visits (a stretch goes with the slice its first visit falls in), each statement
        # well within the pool's command timeout on a busy machine.
        async with closing_lookup_off(connection, owner):
            for start in range(1, total + 1, CHUNK):
                await connection.execute(VISITS_SQL, base, start, start + CHUNK, timeout=LONG)
                status = await connection.execute(MEASURES_SQL, base, start, start + CHUNK, timeout=LONG)
                measures += int(status.split()[-1])
                await connection.execute(FOLLOW_UPS, base, start, start + CHUNK, timeout=LONG)
    if owner:  # with the indexes back
        await connection.execute(DELIVERIES_RECOUNTED, township_ids, timeout=LONG)
    await refresh_statistics(connection, "pairing", "visit", "visit_measure", "follow_up", seconds=LONG)
    return Counter(
        {
            "条走访记录": total,
            "项帮扶措施": measures,
            "条历史结对": int(earlier.split()[-1]),
        }
    )


async def _reserve_visit_ids(connection: asyncpg.Connection, count: int) -> int:
    """A block of `count` visit ids from the sequence (the visits and the follow-ups answered by them refer to
    it); returns the id before the block's first. The owner moves the sequence on at once; another role draws the
    ids one by one (16 s for 2 million on a busy machine), as a row by row insert would."""
    sequence = "pg_get_serial_sequence('visit', 'id')"
    if await connection.fetchval(f"SELECT has_sequence_privilege({sequence}, 'UPDATE')"):
        last = await connection.fetchval(f"SELECT setval({sequence}, nextval({sequence}) + $1 - 1)", count)
        return int(last) - count
    first, last = await connection.fetchrow(
        f"SELECT min(id), max(id) FROM (SELECT nextval({sequence}) AS id FROM generate_series(1, $1)) AS reserved",
        count,
    )
    if last - first + 1 != count:  # someone else drew ids meanwhile: the block has gaps
        raise RuntimeError("visit ids drawn by another session during the demo load: load it again")
    return int(first) - 1
