"""The public forms' limits hold across app hosts: two `bangfu serve` processes share one PostgreSQL, and a client
that sends to both at once is still held to one card's and one address's limits (nothing kept in a process)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from server.settings import ROOT
from tests.browser.conftest import bangfu, free_port, wait_until_healthy
from tests.conftest import create_database, drop_database

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
async def two_hosts(database_server: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[str, ...]]:
    url = await create_database(database_server, "bangfu_hosts")
    env = {**os.environ, "DATABASE_URL": url, "BANGFU_SECRET_KEY": "two-hosts-share-this-secret",
           "BANGFU_VAR_DIR": str(tmp_path_factory.mktemp("var"))}  # fmt: skip
    bangfu(env, "migrate")
    bangfu(env, "demo")
    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            command = [sys.executable, "-m", "server", "serve", "--port", str(port)]
            servers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers, strict=True):
            wait_until_healthy(base, server)
        yield (url, *bases)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        await drop_database(url)


async def fetch(url: str, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


async def test_a_card_and_a_client_are_held_to_their_limits_whichever_host_answers(two_hosts: tuple[str, ...]) -> None:
    url, host_a, host_b = two_hosts
    unused_card = (
        "SELECT c.token, c.household FROM door_card c WHERE c.revoked_at IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM public_report r WHERE r.household = c.household) ORDER BY c.id LIMIT 1"
    )
    [card] = await fetch(url, unused_card)
    [page] = await fetch(url, "SELECT token FROM public_page")
    async with httpx.AsyncClient(base_url=host_a) as a, httpx.AsyncClient(base_url=host_b) as b:
        csrf = CSRF.search((await a.get(f"/c/{card['token']}")).text)
        assert csrf
        b.cookies.update(a.cookies)  # one phone, whichever host the proxy picks
        form = {"_csrf_token": csrf.group(1)}

        async def complaint(client: httpx.AsyncClient, n: int) -> int:
            answer = await client.post(f"/c/{card['token']}/complaint", data={**form, "text": f"多主机 {n}"})
            return answer.status_code

        statuses = await asyncio.gather(*(complaint(a if n % 2 else b, n) for n in range(8)))
        assert sorted(statuses) == [303] * 5 + [429] * 3  # five a day per card, across both hosts at once

        async def help_request(client: httpx.AsyncClient, n: int) -> int:
            [village] = await fetch(url, "SELECT id FROM village ORDER BY id LIMIT 1")
            data = {**form, "name": f"求助{n}", "village": str(village["id"]), "category": "other",
                    "text": "需要帮助", "phone": "13800138000"}  # fmt: skip
            return (await client.post(f"/t/{page['token']}/help", data=data)).status_code

        later = [await help_request(b if n % 2 else a, n) for n in range(3)]
        assert later == [303, 303, 429]  # the address's tenth form was the last accepted this hour
    stored = await fetch(url, "SELECT kind, count(*) AS n FROM public_report WHERE text LIKE '多主机%' OR"
                              " (kind = 'help' AND name LIKE '求助%') GROUP BY kind ORDER BY kind")  # fmt: skip
    assert [(row["kind"], row["n"]) for row in stored] == [("complaint", 5), ("help", 2)]
