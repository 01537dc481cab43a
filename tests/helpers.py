"""What a test does as a person would: log in, post a form with its CSRF token."""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from server.policy.tables import PolicyValue

PASSWORD = "Bangfu@2026"

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token_of(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF input"
    return match.group(1)


async def log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Log in as a person would: open the form, then post it with its CSRF token."""
    form_page = await client.get("/login")
    return await client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": csrf_token_of(form_page.text)},
    )


async def post_form(client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Open `page_url`, take its CSRF token, and post `data` to `action`."""
    page = await client.get(page_url)
    return await client.post(action, data={**data, "_csrf_token": csrf_token_of(page.text)})


TOKENS = re.compile(r"[0-9a-f]{32,}")


def without_tokens(html: str) -> str:
    """The page without CSRF tokens: their hex digits can look like an ID or phone number by chance."""
    return TOKENS.sub("", html)


async def record_rule(
    rule: Any,
    value: Any,
    *,
    township: int | None = None,
    county: int | None = None,
    region: int | None = None,
    on: date = date(2000, 1, 1),
    year: int | None = None,
) -> None:
    """A policy value as an office would have recorded it (a yearly rule: `year`), straight into the table."""
    row = PolicyValue(
        rule=rule.key,
        township=township,
        county=county,
        region=region,
        effective_from=date(year, 1, 1) if year else on,
        value=None if value is None else Decimal(str(value)),
        source="测试",
    )
    await PolicyValue.insert(row)


async def statements_of(client: Any, path: str, caplog: Any) -> int:
    """The statements one request of `path` sent (the fewer of two: the session's last-seen time is touched at most
    once a minute, by either)."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bangfu.access"):
        for _ in range(2):
            assert (await client.get(path)).status_code == 200
    return min(record.statements for record in caplog.records if record.name == "bangfu.access")
