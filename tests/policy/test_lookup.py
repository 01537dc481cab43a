"""The value in force for a township on a day: the nearest place that recorded one, then the latest in effect."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from server import policy
from server.clock import today
from server.policy.registry import (
    BY_KEY,
    LEADER_QUOTA,
    MONITORING_LINE,
    MONITORING_MARGIN_PERCENT,
    MONITORING_NOTICE_DAYS,
    QUOTA_MAXIMUM,
    RETURN_RATE_CAP_PERCENT,
    RULES,
    UNVISITED_ALERT_DAYS,
    number_text,
)
from server.policy.tables import PolicyValue
from tests.helpers import record_rule


async def test_a_rule_nobody_recorded_holds_its_registry_default(places: dict[str, int]) -> None:
    assert await policy.value(LEADER_QUOTA, places["township"]) == 3
    assert await policy.value(RETURN_RATE_CAP_PERCENT, places["township"]) == Decimal("3.5")
    assert await policy.value(QUOTA_MAXIMUM, places["township"]) is None
    assert await policy.value(MONITORING_LINE, places["township"]) is None  # a line has no default


async def test_the_township_reads_the_value_its_county_recorded_and_its_neighbour_keeps_its_own(
    places: dict[str, int],
) -> None:
    await record_rule(MONITORING_NOTICE_DAYS, 7, county=places["county"])
    await record_rule(UNVISITED_ALERT_DAYS, 45, township=places["other"])
    assert await policy.value(MONITORING_NOTICE_DAYS, places["township"]) == 7
    assert await policy.value(MONITORING_NOTICE_DAYS, places["far"]) == 5  # another county: the default
    held = await policy.values([UNVISITED_ALERT_DAYS], [places["township"], places["other"]])
    assert (held.get(UNVISITED_ALERT_DAYS, places["township"]), held.get(UNVISITED_ALERT_DAYS, places["other"])) == (
        60,
        45,
    )


async def test_the_province_line_reaches_every_township_below_it(places: dict[str, int]) -> None:
    await record_rule(MONITORING_LINE, "7600", region=places["province"], year=2026)
    for township in (places["township"], places["far"]):
        assert await policy.value(MONITORING_LINE, township, date(2026, 8, 1)) == Decimal("7600.00")
    assert await policy.county_value(MONITORING_LINE, places["far_county"], date(2026, 1, 1)) == Decimal("7600.00")


async def test_a_yearly_line_holds_for_its_year_only(places: dict[str, int]) -> None:
    await record_rule(MONITORING_LINE, "7300", region=places["province"], year=2025)
    assert await policy.value(MONITORING_LINE, places["township"], date(2025, 12, 31)) == Decimal("7300.00")
    assert await policy.value(MONITORING_LINE, places["township"], date(2026, 1, 1)) is None


async def test_a_change_holds_from_its_day_and_earlier_days_keep_what_held_then(places: dict[str, int]) -> None:
    await record_rule(UNVISITED_ALERT_DAYS, 45, township=places["township"], on=date(2026, 3, 1))
    await record_rule(UNVISITED_ALERT_DAYS, 30, township=places["township"], on=date(2026, 9, 1))
    township = places["township"]
    assert await policy.value(UNVISITED_ALERT_DAYS, township, date(2026, 2, 28)) == 60
    assert await policy.value(UNVISITED_ALERT_DAYS, township, date(2026, 3, 1)) == 45
    assert await policy.value(UNVISITED_ALERT_DAYS, township, date(2026, 8, 31)) == 45
    assert await policy.value(UNVISITED_ALERT_DAYS, township, date(2026, 9, 1)) == 30


async def test_a_value_recorded_as_none_overrides_a_maximum(places: dict[str, int]) -> None:
    await record_rule(QUOTA_MAXIMUM, 4, township=places["township"], on=date(2026, 1, 1))
    await record_rule(QUOTA_MAXIMUM, None, township=places["township"], on=date(2026, 6, 1))
    assert await policy.value(QUOTA_MAXIMUM, places["township"], date(2026, 5, 1)) == 4
    assert await policy.value(QUOTA_MAXIMUM, places["township"], date(2026, 6, 1)) is None


async def test_recorded_values_cannot_be_changed_or_deleted(places: dict[str, int], db: Any) -> None:
    await record_rule(LEADER_QUOTA, 4, township=places["township"])
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.RaiseError, match="policy values are kept"):
        await PolicyValue.update({PolicyValue.value: Decimal(9)}).where(PolicyValue.rule == LEADER_QUOTA.key)
    await savepoint.rollback_to()
    with pytest.raises(asyncpg.RaiseError, match="policy values are kept"):
        await PolicyValue.delete().where(PolicyValue.rule == LEADER_QUOTA.key)
    await savepoint.rollback_to()
    assert await policy.value(LEADER_QUOTA, places["township"]) == 4


async def test_a_value_belongs_to_exactly_one_place(places: dict[str, int], db: Any) -> None:
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.CheckViolationError):
        await record_rule(LEADER_QUOTA, 4, township=places["township"], county=places["county"])
    await savepoint.rollback_to()


def test_every_rule_has_a_unique_key_a_source_and_limits_around_its_default() -> None:
    assert len(BY_KEY) == len(RULES)
    for rule in RULES:
        assert all((rule.source, rule.label, rule.area)), rule.key
        if rule.default is not None:
            assert rule.low <= Decimal(rule.default) <= rule.high, rule.key


def test_numbers_are_shown_as_people_write_them() -> None:
    assert [number_text(v) for v in (Decimal("3.5"), 60, Decimal("3322.00"), Decimal("4600.50"), None)] == [
        "3.5",
        "60",
        "3322",
        "4600.5",
        "—",
    ]


async def test_values_read_every_rule_for_many_townships_in_one_query(places: dict[str, int], db: Any) -> None:
    tomorrow = today() + timedelta(days=1)
    await record_rule(LEADER_QUOTA, 5, township=places["other"], on=tomorrow)  # not yet in force
    queries: list[str] = []
    db.connection.add_query_logger(lambda record: queries.append(record.query))
    held = await policy.values(RULES, [places["township"], places["other"], places["far"]])
    await asyncio.sleep(0)  # asyncpg calls its query loggers soon after, not at once
    assert len(queries) == 1
    assert held.get(LEADER_QUOTA, places["other"]) == 3
    assert held.get(MONITORING_NOTICE_DAYS, places["far"]) == 5
    assert await policy.value(LEADER_QUOTA, places["other"], tomorrow) == 5


async def test_values_read_once_for_many_rows_are_those_the_lookup_gives_every_place_and_day(
    places: dict[str, int],
) -> None:
    # Values at each level, taking effect on different days (one recorded empty), and a yearly line of two years.
    await record_rule(MONITORING_NOTICE_DAYS, 9, region=places["province"], on=date(2024, 1, 1))
    await record_rule(MONITORING_NOTICE_DAYS, 8, region=places["city"], on=date(2025, 1, 1))
    await record_rule(MONITORING_NOTICE_DAYS, 7, county=places["county"], on=date(2025, 6, 1))
    await record_rule(MONITORING_NOTICE_DAYS, 6, township=places["township"], on=date(2026, 3, 1))
    await record_rule(MONITORING_NOTICE_DAYS, 10, region=places["province"], on=date(2026, 6, 1))
    await record_rule(QUOTA_MAXIMUM, 12, county=places["county"], on=date(2025, 1, 1))
    await record_rule(QUOTA_MAXIMUM, None, township=places["other"], on=date(2025, 3, 1))
    await record_rule(MONITORING_LINE, "7300", region=places["province"], year=2025)
    await record_rule(MONITORING_LINE, "7500", county=places["county"], year=2026)
    rules = [MONITORING_NOTICE_DAYS, QUOTA_MAXIMUM, MONITORING_LINE, LEADER_QUOTA]
    days = [date(2023, 6, 1), date(2024, 12, 31), date(2025, 2, 1), date(2025, 6, 1), date(2026, 3, 1)]
    days.append(date(2027, 1, 1))
    townships = [places["township"], places["other"], places["far"], -1]
    picked = ", ".join(f"{policy.held_sql(rule, 'held', 't.id', 'd.day')} AS held_{n}" for n, rule in enumerate(rules))
    looked_up = ", ".join(f"{policy.sql(rule, 't.id', 'd.day')} AS lookup_{n}" for n, rule in enumerate(rules))
    rows = await PolicyValue.raw(
        f"WITH held AS ({policy.held_values_sql(rules, 'SELECT unnest({}::int[])')})"
        f" SELECT t.id, d.day, {picked}, {looked_up}"
        " FROM unnest({}::int[]) t(id) CROSS JOIN unnest({}::date[]) d(day)",
        townships,
        townships,
        days,
    )
    assert len(rows) == len(townships) * len(days)
    for row in rows:
        assert [row[f"held_{n}"] for n in range(len(rules))] == [row[f"lookup_{n}"] for n in range(len(rules))], row
    some = {(row["id"], row["day"]): row for row in rows}
    assert some[(places["township"], date(2026, 3, 1))]["held_0"] == 6  # the township's own value
    assert some[(places["township"], date(2027, 1, 1))]["held_0"] == 6  # still nearer than the province's later one
    assert some[(places["far"], date(2027, 1, 1))]["held_0"] == 8  # another county of the same city: the city's
    assert some[(places["far"], date(2024, 12, 31))]["held_0"] == 9  # before the city's: the province's
    assert some[(places["other"], date(2025, 6, 1))]["held_1"] is None  # recorded empty stays empty
    assert some[(places["township"], date(2025, 6, 1))]["held_1"] == Decimal("12.0000")
    assert some[(places["township"], date(2027, 1, 1))]["held_2"] is None  # a line holds for its year only


async def test_a_stored_value_converted_in_sql_is_what_python_gives_a_page(db: Any) -> None:
    """`converted_sql` (a statement judging by a rule) and `Rule.convert` (the page stating it) give the same figure:
    halves of a cent to the even cent, whole numbers cut to their integer part, negatives, none."""
    stored = ["7600", "7600.125", "7600.135", "7600.1251", "7600.0050", "7600.0150", "-3.125", "-3.135", "0.005",
              "10.9", "10.5", "9.5", "99.9999", "-1.5", None]  # fmt: skip
    for rule in (MONITORING_LINE, MONITORING_MARGIN_PERCENT):
        converted = f"SELECT {policy.converted_sql(rule, 's.v')} AS v FROM (SELECT {{}}::numeric) s(v)"
        for raw in stored:
            value = None if raw is None else Decimal(raw)
            rows = await PolicyValue.raw(converted, value)
            assert rows[0]["v"] == rule.convert(value), (rule.key, raw)
            assert str(rows[0]["v"]) == str(rule.convert(value)), (rule.key, raw)
