"""The small township of the pairing tests, and a stranger's phone that scans a door card."""

from __future__ import annotations

import re

import httpx

from server.pairing.card_tokens import tokens_for
from tests.pairing.conftest import Small, small

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def card_token(household: int) -> str:
    return (await tokens_for([household], None))[household]


async def send(client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Open the public page (it sets the CSRF cookie) and send its form as a person would."""
    page = await client.get(page_url)
    token = CSRF.search(page.text)
    assert token, page.text[:500]
    return await client.post(action, data={**data, "_csrf_token": token.group(1)})


__all__ = ["Small", "card_token", "send", "small"]
