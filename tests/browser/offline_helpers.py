"""Helpers shared by the offline browser tests: a phone context of one's own, the service worker, the live database."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from playwright.async_api import BrowserContext, Page, expect

from tests.browser.test_roles_on_a_phone import log_in

FORM = re.compile(r"^/households/\d+/visits/new$")


async def wait_for_worker(page: Page) -> None:
    """The service worker is active and controls the page."""
    await page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000
    )


async def kept_urls(page: Page) -> list[str]:
    return list(
        await page.evaluate(
            """async () => {
                const urls = [];
                for (const name of await caches.keys()) {
                  if (!name.startsWith("bangfu-data-")) continue;
                  for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
                }
                return urls;
            }"""
        )
    )


async def cadre_ready_offline(page: Page, forms: int = 2) -> list[str]:
    """Log in as the demo cadre, let the worker keep the home and `forms` visit forms; returns the forms' paths."""
    await log_in(page, "cadre")
    await expect(page.locator("#my-households")).to_be_visible()
    await wait_for_worker(page)
    await page.goto("/")  # now through the worker, which keeps it
    links = page.locator("#my-households a.btn--primary")
    paths = [str(await links.nth(i).get_attribute("href")) for i in range(forms)]
    for path in paths:
        await page.goto(path)
        await expect(page.locator("form[data-visit-form]")).to_be_visible()
    wanted = {"/", "/outbox", *paths}
    for _ in range(60):  # (a Promise returned to wait_for_function counts as true at once: poll here instead)
        if wanted <= set(await kept_urls(page)):
            break
        await page.wait_for_timeout(250)
    assert wanted <= set(await kept_urls(page)), "the worker did not keep the pages"
    return paths


async def record_offline(page: Page, form_path: str, note: str, photos: list[str]) -> None:
    """Open a kept visit form and save it: it goes into the phone's queue and the outbox opens."""
    await page.goto(form_path)
    await expect(page.locator("main[data-kept-copy] form[data-visit-form]")).to_be_visible()
    await page.set_input_files("input[name=photos]", photos)
    await expect(page.locator("input[name=photos]")).to_have_attribute("data-shrink-state", "done")
    await page.fill("textarea[name=note]", note)
    await page.click("form[data-visit-form] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/outbox$"))
    await expect(page.locator("[data-outbox-item]").filter(has_text=note)).to_be_visible()


async def stored_visits(database_url: str, notes: list[str]) -> list[dict[str, Any]]:
    """What the live server stored for these notes: one dict per visit row, with its number of photos."""
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT v.id, v.note, v.expected_photos, v.client_id,"
            " (SELECT count(*) FROM visit_photo p WHERE p.visit = v.id) AS photos"
            " FROM visit v WHERE v.note = ANY($1::text[]) ORDER BY v.id",
            notes,
        )
    finally:
        await connection.close()
    return [dict(row) for row in rows]


async def new_phone_context(browser: Any, live_server: str) -> BrowserContext:
    from tests.browser.conftest import PHONE

    return await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)  # type: ignore[no-any-return]
