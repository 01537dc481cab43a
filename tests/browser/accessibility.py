"""axe-core on every page a browser test opens, at the width it was opened at; any violation fails the test.

conftest.py hands every browser context to `AXE.watch` (contexts made with `browser.new_context` anywhere, and
persistent ones), so a page another developer adds is checked the first time a test visits it. Each page is checked
after it loaded and after each htmx navigation (once settled), once per address pattern and width (digits in the
path count as one pattern, the query is ignored) to keep the suite fast. A page a test leaves before axe finished is
checked on its next visit; the pages still open are checked before their context closes.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Error, Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text() + "\n;true"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what a government site is held to (GB/T 37668 follows WCAG 2.0 AA).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """async (tags) => {
  const busy = () => document.readyState !== "complete" ||
    document.querySelector(".htmx-request, .htmx-settling, .htmx-swapping, .htmx-added");
  for (let i = 0; i < 40 && busy(); i++) await new Promise((r) => setTimeout(r, 50));
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) =>
      n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
  }));
}"""


def address_pattern(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


class AxeWatch:
    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked: set[tuple[str, int]] = set()
        self.tasks: set[asyncio.Future[None]] = set()
        self.locks: dict[int, asyncio.Lock] = {}

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.on("page", self._follow)
        for page in context.pages:
            self._follow(page)
        close = context.close

        async def check_then_close(**kwargs: Any) -> None:
            for page in context.pages:
                self._schedule(page)
            await self.settle()
            await close(**kwargs)

        context.close = check_then_close  # type: ignore[method-assign]
        return context

    def _follow(self, page: Page) -> None:
        page.on("load", lambda _: self._schedule(page))
        page.on("framenavigated", lambda frame: self._schedule(page) if frame == page.main_frame else None)

    def _schedule(self, page: Page) -> None:
        task = asyncio.ensure_future(self.check(page))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def settle(self) -> None:
        while self.tasks:
            await asyncio.wait(list(self.tasks), timeout=30)

    async def check(self, page: Page) -> None:
        lock = self.locks.setdefault(id(page), asyncio.Lock())
        async with lock:
            url = page.url
            width = (page.viewport_size or {"width": 0})["width"]
            key = (address_pattern(url), width)
            if not url.startswith("http") or key in self.checked or page.is_closed():
                return
            try:
                if not await page.evaluate("!!window.axe"):
                    await page.evaluate(AXE_SOURCE)
                violations = await page.evaluate(RUN, TAGS)
            except Error:
                return  # the page left (or closed) while axe ran: its next visit is checked
            if page.url != url:
                return
            self.checked.add(key)
            for v in violations:
                nodes = "; ".join(v["nodes"])
                self.violations.append(
                    f"{width}px {urlsplit(url).path}: {v['id']} ({v['impact']}) {v['help']}: {nodes}"
                )


AXE = AxeWatch()
