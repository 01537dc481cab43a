"""Public forms are limited per card and per client, with counters in PostgreSQL: a flood is refused politely after
the limit, and nothing accepted before it is dropped."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from server.reports import limits
from server.reports.tables import PublicReport, RateCounter
from tests.reports.conftest import CSRF, Small, card_token


async def open_form(client: httpx.AsyncClient, token: str) -> str:
    page = await client.get(f"/c/{token}")
    match = CSRF.search(page.text)
    assert match
    return match.group(1)


async def test_a_card_takes_five_reports_a_day_then_refuses_politely_keeping_the_text(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = await card_token(small.h["A3"])
    csrf = await open_form(client, token)
    answers = [
        await client.post(f"/c/{token}/complaint", data={"text": f"第{n}次", "_csrf_token": csrf}) for n in range(6)
    ]
    assert [a.status_code for a in answers] == [303] * 5 + [429]
    assert "第5次" in answers[-1].text  # the refused text is shown again, to copy or to call about
    assert await PublicReport.count() == 5


async def test_one_client_is_refused_after_ten_forms_an_hour_across_cards(
    client: httpx.AsyncClient, small: Small
) -> None:
    tokens = [await card_token(small.h[code]) for code in ("A1", "A2", "A3")]
    csrf = await open_form(client, tokens[0])
    statuses = []
    for n in range(11):
        token = tokens[n % 3]
        answer = await client.post(f"/c/{token}/complaint", data={"text": f"反映{n}", "_csrf_token": csrf})
        statuses.append(answer.status_code)
    assert statuses == [303] * 10 + [429]
    assert await PublicReport.count() == 10


async def test_the_counter_counts_exactly_under_concurrency(database: str) -> None:
    """Twenty requests at once on one bucket, on the pool's separate connections (no test transaction): each gets
    its own number, none is lost, fifteen pass a limit of fifteen."""
    key = f"concurrency-{uuid.uuid4().hex}"
    limit = (limits.Limit("probe", 3600, 15),)
    try:
        results = await asyncio.gather(*(limits.count(limit, key) for _ in range(20)))
        assert results.count(True) == 15
        assert results.count(False) == 5
        [row] = await RateCounter.select().where(RateCounter.bucket == f"probe:3600:{key}")
        assert row["hits"] == 20
    finally:
        await RateCounter.delete().where(RateCounter.bucket == f"probe:3600:{key}")
