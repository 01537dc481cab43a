"""Visits live in yearly partitions of the day they were made, their photos in those of the day they arrived: a
year nobody made a partition for is never an error, a corrected day moves the visit with everything that refers to
it, a client id stays exactly once across every partition, and the windows the app reads touch only their years."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta

import asyncpg
import pytest

from server.clock import TIMEZONE, today
from server.database import app_role_name, connect, database_name, with_user
from server.operations.partitions import VISIT_PHOTOS, VISITS, local_midnight, month_start, next_month
from server.plans.queries import _MATCHED as PLAN_MATCH
from server.plans.queries import _year_span
from server.statistics.area import months_of
from server.statistics.visit_months import _MONTHS as STATISTICS_VISITS
from tests.cli.test_cli import bangfu
from tests.pairing.test_kept_visit_dates import FROM_THE_SOURCE, KEPT

# What refers to a visit or one of its photos, each counted by the key it refers with.
# The migration that made the kept visit dates (household_visit_dates): undone down to it, whatever came after.
KEPT_DATES_MIGRATION = "2026-12-06T00:30:00:000000"
REFERRERS = {
    "measures": "SELECT count(*) FROM visit_measure m JOIN visit v ON v.id = m.visit",
    "photos": "SELECT count(*) FROM visit_photo p JOIN visit v ON v.id = p.visit",
    "follow-ups": "SELECT count(*) FROM follow_up f JOIN visit v ON v.id = f.closed_by_visit",
    "photo matches": "SELECT count(*) FROM photo_match m JOIN visit_photo p ON p.id = m.photo"
    " JOIN visit_photo e ON e.id = m.earlier",
}


async def a_household_and_its_cadre(owner: asyncpg.Connection) -> tuple[int, int]:
    county = await owner.fetchval("INSERT INTO county (name, code) VALUES ('平邑县', '371326000000') RETURNING id")
    town = await owner.fetchval(
        "INSERT INTO township (county, name, code) VALUES ($1, '临涧镇', '371326105000') RETURNING id", county
    )
    village = await owner.fetchval(
        "INSERT INTO village (township, name, code) VALUES ($1, '双河村', '371326105001') RETURNING id", town
    )
    household = await owner.fetchval("INSERT INTO household (village, code) VALUES ($1, 'H-1') RETURNING id", village)
    cadre = await owner.fetchval(
        "INSERT INTO app_user (username, display_name, password_hash, role) VALUES ('zhang', '张', 'x', 'cadre')"
        " RETURNING id"
    )
    return household, cadre


async def a_visit_with_everything(
    owner: asyncpg.Connection, household: int, cadre: int, visited_at: datetime, note: str = ""
) -> int:
    """A visit with a measure, two photos (the second flagged as the first used twice) and the follow-up it closed;
    the photos arrived with the visit."""
    visit = await owner.fetchval(
        "INSERT INTO visit (household, cadre, visited_at, created_at, note) VALUES ($1, $2, $3, $3, $4) RETURNING id",
        household,
        cadre,
        visited_at,
        note,
    )
    await owner.execute("INSERT INTO visit_measure (visit, type) VALUES ($1, 'subsidy')", visit)
    photos = [
        await owner.fetchval(
            "INSERT INTO visit_photo (visit, storage_key, thumbnail_key, created_at) VALUES ($1, $2, $2, $3)"
            " RETURNING id",
            visit,
            f"{visit}-{position}.webp",
            visited_at,
        )
        for position in range(2)
    ]
    await owner.execute("INSERT INTO photo_match (photo, earlier, distance) VALUES ($1, $2, 3)", photos[1], photos[0])
    await owner.execute(
        "INSERT INTO follow_up (household, due_on, closed_by_visit, closed_at) VALUES ($1, $2, $3, $4)",
        household,
        visited_at.date(),
        visit,
        visited_at,
    )
    return int(visit)


async def counts(owner: asyncpg.Connection) -> dict[str, int]:
    tables = ("visit", "visit_measure", "visit_photo", "follow_up", "photo_match")
    found = {table: int(await owner.fetchval(f"SELECT count(*) FROM {table}")) for table in tables}
    return found | {name: int(await owner.fetchval(sql)) for name, sql in REFERRERS.items()}


async def where_is(owner: asyncpg.Connection, visit: int) -> tuple[str, set[str]]:
    """The partition holding the visit, and those holding its photos."""
    held = str(await owner.fetchval("SELECT tableoid::regclass::text FROM visit WHERE id = $1", visit))
    photos = await owner.fetch(
        "SELECT DISTINCT tableoid::regclass::text AS name FROM visit_photo WHERE visit = $1", visit
    )
    return held, {row["name"] for row in photos}


async def assert_kept_dates_exact(owner: asyncpg.Connection) -> None:
    """Each household's kept last visit and first open follow-up due (household_visit_dates) are the source's."""
    assert {tuple(row) for row in await owner.fetch(KEPT)} == {tuple(row) for row in await owner.fetch(FROM_THE_SOURCE)}


def days_ago(days: int) -> datetime:
    return datetime.now().astimezone() - timedelta(days=days)


def local_day(moment: datetime) -> date:
    return moment.astimezone(TIMEZONE).date()


async def test_a_visit_of_a_year_without_partition_waits_in_the_default_and_moves_into_its_year_at_the_upkeep(
    owner: asyncpg.Connection, scratch: str
) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    long_ago = days_ago(400)
    visit = await a_visit_with_everything(owner, household, cadre, long_ago)
    before = await counts(owner)
    assert await where_is(owner, visit) == (VISITS.default, {VISIT_PHOTOS.default})

    upkeep = bangfu("maintain", env={"DATABASE_URL": scratch})
    assert upkeep.returncode == 0, upkeep.stderr
    year = local_day(long_ago)
    assert await where_is(owner, visit) == (VISITS.partition(year), {VISIT_PHOTOS.partition(year)})
    assert await counts(owner) == before, "every measure, photo, follow-up and match still refers to its visit"
    assert (before["measures"], before["photo matches"]) == (1, 1)
    await assert_kept_dates_exact(owner)  # the rows moved without firing a trigger, and nothing changed
    assert await owner.fetchval("SELECT count(*) FROM visit_default") == 0
    analysed = "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = $1"
    assert await owner.fetchval(analysed, VISITS.partition(year)), "the planner knows what the year now holds"


async def test_a_visit_whose_day_is_corrected_into_another_year_moves_there_with_everything_that_refers_to_it(
    owner: asyncpg.Connection,
) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    visit = await a_visit_with_everything(owner, household, cadre, days_ago(0))
    other = await a_visit_with_everything(owner, household, cadre, days_ago(0), note="another")
    before = await counts(owner)
    assert (await where_is(owner, visit))[0] == VISITS.partition(today())

    await owner.execute("UPDATE visit SET visited_at = visited_at - interval '366 days' WHERE id = $1", visit)
    assert (await where_is(owner, visit))[0] == VISITS.default
    await owner.execute("UPDATE visit SET visited_at = visited_at - interval '366 days' WHERE id = $1", other)
    await assert_kept_dates_exact(owner)  # both moved back a year: the latest is one of them, in the default
    await owner.execute("UPDATE visit SET visited_at = visited_at + interval '366 days' WHERE id = $1", visit)
    assert (await where_is(owner, visit))[0] == VISITS.partition(today())
    await owner.execute("UPDATE visit SET visited_at = visited_at + interval '366 days' WHERE id = $1", other)
    await assert_kept_dates_exact(owner)
    assert await counts(owner) == before
    assert await owner.fetchval("SELECT count(*) FROM visit_key") == 2
    await owner.execute("DELETE FROM visit WHERE id = $1", other)  # deleting a visit still takes what refers to it
    assert await owner.fetchval("SELECT count(*) FROM visit_measure WHERE visit = $1", other) == 0
    assert await owner.fetchval("SELECT count(*) FROM visit_photo_key WHERE visit = $1", other) == 0
    assert await owner.fetchval("SELECT count(*) FROM visit_key") == 1
    await assert_kept_dates_exact(owner)


async def test_a_client_id_is_one_visit_whatever_years_its_copies_claim(owner: asyncpg.Connection) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    client_id = uuid.uuid4()
    insert = "INSERT INTO visit (client_id, household, cadre, visited_at) VALUES ($1, $2, $3, $4)"
    await owner.execute(insert, client_id, household, cadre, days_ago(0))
    for moment in (days_ago(400), days_ago(-400), days_ago(0)):  # the default (past, future), the same year
        with pytest.raises(asyncpg.UniqueViolationError) as refused:
            await owner.execute(insert, client_id, household, cadre, moment)
        assert refused.value.constraint_name == "visit_client_id_key"  # the name server.submissions sees as before
    assert await owner.fetchval("SELECT count(*) FROM visit WHERE client_id = $1", client_id) == 1
    with pytest.raises(asyncpg.CheckViolationError):
        await owner.execute("UPDATE visit SET client_id = $1", uuid.uuid4())


async def test_the_same_photo_is_kept_once_per_visit_across_partitions(owner: asyncpg.Connection) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    visit = await a_visit_with_everything(owner, household, cadre, days_ago(0))
    with pytest.raises(asyncpg.UniqueViolationError) as refused:
        await owner.execute(
            "INSERT INTO visit_photo (visit, storage_key, thumbnail_key, created_at) VALUES ($1, $2, $2, $3)",
            visit,
            f"{visit}-0.webp",
            days_ago(400),
        )
    assert refused.value.constraint_name == "visit_photo_once_per_visit"


async def test_the_app_role_writes_visits_through_their_table_and_never_reaches_a_partition(
    owner: asyncpg.Connection, scratch: str
) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    app = await asyncpg.connect(with_user(scratch, app_role_name(database_name(scratch)), None))
    try:
        year = VISITS.partition(today())
        for sql in (f"SELECT count(*) FROM {year}", f"DELETE FROM {year}", f"TRUNCATE {VISITS.default}"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await app.execute(sql)
        async with app.transaction():
            visit = await app.fetchval(
                "INSERT INTO visit (household, cadre) VALUES ($1, $2) RETURNING id", household, cadre
            )
            await app.execute("INSERT INTO visit_measure (visit, type) VALUES ($1, 'subsidy')", visit)
            await app.execute(
                "INSERT INTO visit_photo (visit, storage_key, thumbnail_key) VALUES ($1, 'a.webp', 'a.webp')", visit
            )
    finally:
        await app.close()
    assert await where_is(owner, visit) == (year, {VISIT_PHOTOS.partition(today())})
    assert await owner.fetchval("SELECT count(*) FROM visit_key WHERE id = $1", visit) == 1
    app = await asyncpg.connect(with_user(scratch, app_role_name(database_name(scratch)), None))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):  # a key never changes, not even by hand
            await app.execute("UPDATE visit_key SET client_id = gen_random_uuid()")
        await app.execute("DELETE FROM visit WHERE id = $1", visit)  # a visit deleted takes its key along
    finally:
        await app.close()
    assert await owner.fetchval("SELECT count(*) FROM visit_key WHERE id = $1", visit) == 0


async def test_migrating_a_database_with_visits_keeps_every_row_and_every_reference_both_ways(
    owner: asyncpg.Connection, scratch: str
) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    visits = [await a_visit_with_everything(owner, household, cadre, days_ago(days)) for days in (0, 35, 70, 400)]
    before = await counts(owner)

    back = bangfu("migrate", "--app", "history", "--backwards", "1", env={"DATABASE_URL": scratch})
    assert back.returncode == 0, back.stderr + back.stdout
    assert await owner.fetchval("SELECT relkind::text FROM pg_class WHERE relname = 'visit'") == "r"
    assert await owner.fetchval("SELECT to_regclass('visit_key')") is None
    assert await counts(owner) == before

    again = bangfu("migrate", env={"DATABASE_URL": scratch})
    assert again.returncode == 0, again.stderr + again.stdout
    assert await owner.fetchval("SELECT relkind::text FROM pg_class WHERE relname = 'visit'") == "p"
    assert await counts(owner) == before
    for visit, days in zip(visits, (0, 35, 70, 400), strict=True):
        day = local_day(days_ago(days))
        assert await where_is(owner, visit) == (VISITS.partition(day), {VISIT_PHOTOS.partition(day)})
    targets = await owner.fetch(
        "SELECT DISTINCT confrelid::regclass::text AS target FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid IN ('visit_measure'::regclass, 'follow_up'::regclass,"
        " 'visit_confirmation'::regclass, 'risk_case'::regclass, 'verification_call'::regclass,"
        " 'photo_match'::regclass) AND confrelid IN ('visit_key'::regclass, 'visit_photo_key'::regclass)"
    )
    assert {row["target"] for row in targets} == {"visit_key", "visit_photo_key"}
    await a_visit_with_everything(owner, household, cadre, days_ago(500))  # the kept dates' triggers moved along
    await owner.execute("INSERT INTO follow_up (household, due_on) VALUES ($1, current_date)", household)
    await assert_kept_dates_exact(owner)

    # The kept dates' own migration: gone backwards, filled from the visits and follow-ups forwards.
    back = bangfu("migrate", "--app", "visits", "--backwards", KEPT_DATES_MIGRATION, env={"DATABASE_URL": scratch})
    assert back.returncode == 0, back.stderr + back.stdout
    assert await owner.fetchval("SELECT to_regclass('household_visit_dates')") is None
    await owner.execute("UPDATE follow_up SET due_on = due_on - 1")
    again = bangfu("migrate", env={"DATABASE_URL": scratch})
    assert again.returncode == 0, again.stderr + again.stdout
    await assert_kept_dates_exact(owner)
    assert await owner.fetchval("SELECT count(*) FROM household_visit_dates") == 1


async def test_concurrent_writes_to_one_household_keep_its_dates_exact(owner: asyncpg.Connection, scratch: str) -> None:
    """A delete that takes the last visit back recomputes it after locking the household's kept row, in a statement
    of its own: a visit added meanwhile by another transaction is either waited for and seen, or waits and raises."""
    household, cadre = await a_household_and_its_cadre(owner)
    insert = "INSERT INTO visit (household, cadre, visited_at) VALUES ($1, $2, $3) RETURNING id"
    latest = await owner.fetchval(insert, household, cadre, days_ago(1))
    await owner.fetchval(insert, household, cadre, days_ago(9))
    other = await connect(scratch)
    try:
        deleting = owner.transaction()
        await deleting.start()
        await owner.execute("DELETE FROM visit WHERE id = $1", latest)  # recomputed: 9 days ago, the row locked
        adding = other.transaction()
        await adding.start()
        added = asyncio.create_task(other.fetchval(insert, household, cadre, days_ago(5)))
        await asyncio.sleep(0.3)
        assert not added.done(), "the insert's trigger waits for the delete's lock"
        await deleting.commit()
        middle = await added
        await adding.commit()
        await assert_kept_dates_exact(owner)

        adding = other.transaction()
        await adding.start()
        await other.fetchval(insert, household, cadre, days_ago(2))  # raised: 2 days ago, the row locked
        deleting = owner.transaction()
        await deleting.start()
        deleted = asyncio.create_task(owner.execute("DELETE FROM visit WHERE id = $1", middle))
        await asyncio.sleep(0.3)
        assert not deleted.done(), "the delete's recomputation waits for the insert's lock"
        await adding.commit()
        await deleted
        await deleting.commit()
        await assert_kept_dates_exact(owner)
    finally:
        await other.close()
    assert await owner.fetchval("SELECT last_visited_at FROM household_visit_dates") > days_ago(3)


async def test_truncating_visits_or_follow_ups_empties_their_kept_dates(owner: asyncpg.Connection) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    await a_visit_with_everything(owner, household, cadre, days_ago(3))
    await owner.execute("INSERT INTO follow_up (household, due_on) VALUES ($1, current_date)", household)
    await owner.execute("TRUNCATE follow_up")
    await assert_kept_dates_exact(owner)
    await owner.execute("TRUNCATE visit CASCADE")
    await assert_kept_dates_exact(owner)


async def partitions_of(owner: asyncpg.Connection, table: str) -> set[str]:
    rows = await owner.fetch(
        "SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = $1::regclass", table
    )
    return {row["name"] for row in rows}


async def scanned(owner: asyncpg.Connection, table: str, sql: str, *arguments: object) -> set[str]:
    """The partitions of `table` that the plan of `sql` reads (those pruned when the plan starts are left out)."""
    plan = "\n".join(row[0] for row in await owner.fetch(f"EXPLAIN (COSTS OFF) {sql}", *arguments))
    return {name for name in await partitions_of(owner, table) if f" on {name} " in plan.replace("\n", " \n") + " "}


async def test_the_windows_the_app_reads_visits_by_touch_only_their_years(
    owner: asyncpg.Connection, scratch: str
) -> None:
    household, cadre = await a_household_and_its_cadre(owner)
    for days in range(0, 1100, 15):
        await owner.execute(
            "INSERT INTO visit (household, cadre, visited_at) VALUES ($1, $2, $3)", household, cadre, days_ago(days)
        )
    assert bangfu("maintain", env={"DATABASE_URL": scratch}).returncode == 0
    await owner.execute("ANALYZE visit")
    assert len(await partitions_of(owner, "visit")) >= 5, "three years ago to next year, and the default"
    await assert_kept_dates_exact(owner)  # coverage reads no visit: the kept dates, exact after the upkeep's move

    # Statistics: one month's visits of the villages shown, with the month's follow-ups and households or without.
    month = month_start(local_day(days_ago(400)))
    by_month = STATISTICS_VISITS
    for number in range(1, 11):
        by_month = by_month.replace("{}", f"${number}", 1)
    starts, ends = local_midnight(month), local_midnight(next_month(month))
    for by_period in (True, False):
        counted = (starts.date(), ends.date()) if by_period else (starts.date(), starts.date())
        arguments = (months_of(starts.date(), ends.date()), by_period, [1], *counted, *counted, [1], starts, ends)
        months = await scanned(owner, "visit", by_month, *arguments)
        assert months == {VISITS.partition(month)}, "that month's year only, not even the default"

    # A year's help plan against what was delivered (the coverage page's plan figures, the cadre's due list): the
    # deliveries of that year's partition alone.
    matched = PLAN_MATCH.replace("{}", "p.household = $1 AND p.year = $2", 1)
    for number in range(3, 6):
        matched = matched.replace("{}", f"${number}", 1)
    arguments = (household, month.year, [household], *_year_span(month.year))
    assert await scanned(owner, "visit", matched, *arguments) == {VISITS.partition(month)}
