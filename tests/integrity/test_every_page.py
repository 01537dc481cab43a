"""No server error anywhere: every page, fragment, .xlsx and print page a user can reach from their home, as every
role of the demo township, answers without a 5xx and without a traceback."""

from __future__ import annotations

import re
from collections import Counter, deque
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest

from server.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES
from tests.helpers import log_in

LINK = re.compile(r'(?:href|hx-get|data-href|action)="([^"#][^"]*)"')
SKIPPED = ("/static/", "/logout", "/sw.js", "/metrics")
PER_SHAPE = 3  # the same page for three different records is enough; the demo has a thousand households
PAGE_LIMIT = 900


def shape(path: str) -> str:
    """A page's kind: /households/812/visits and /households/17/visits are the same page for two records."""
    return re.sub(r"/[0-9a-f]{16,}", "/{token}", re.sub(r"/\d+", "/{id}", path))


def reachable_links(base: str, html: str) -> list[str]:
    links, own = [], urlsplit(base).netloc
    for raw in LINK.findall(html):
        url = urldefrag(urljoin(base, raw.replace("&amp;", "&")))[0]
        parts = urlsplit(url)
        if parts.netloc in ("", own) and parts.scheme in ("", "http"):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if not path.startswith(SKIPPED):
                links.append(path)
    return links


async def crawl(app: Any, username: str) -> tuple[Counter[int], list[str]]:
    """Every page reachable by links from the user's home (GET only, forms' targets opened as links too)."""
    transport = httpx.ASGITransport(app=app)
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await log_in(http, username, DEMO_PASSWORD)).status_code == 303
        queue, seen, shapes = deque(["/", "/me"]), {"/", "/me"}, Counter[str]()
        while queue and sum(statuses.values()) < PAGE_LIMIT:
            path = queue.popleft()
            page = ""
            for headers in ({"HX-Request": "true"}, {}):  # the fragment htmx asks for, then the whole page
                answer = await http.get(path, headers=headers)
                statuses[answer.status_code] += 1
                page = answer.text if "text" in answer.headers.get("content-type", "") else ""
                if answer.status_code >= 500 or "Traceback" in page or 'File "/' in page:
                    failures.append(f"{username} GET {path} {headers} -> {answer.status_code}")
            if not page:
                continue
            for link in reachable_links(str(answer.url), page):
                if link not in seen and shapes[shape(urlsplit(link).path)] < PER_SHAPE:
                    seen.add(link)
                    shapes[shape(urlsplit(link).path)] += 1
                    queue.append(link)
    return statuses, failures


@pytest.mark.slow  # about half a minute: a thousand pages and fragments
async def test_every_page_a_user_can_reach_answers_without_a_server_error_for_every_role(demo: Any, app: Any) -> None:
    everything: list[str] = []
    for username in DEMO_USERNAMES:
        statuses, failures = await crawl(app, username)
        assert statuses[200] > 5, (username, statuses)  # the crawl really went through the pages
        everything += failures
    assert everything == []
