"""Households speak for themselves, and supervision checks the work, as people do it: a stranger scanning a door card
on a phone, an inspector recording a finding without signal, the township office at its desk."""

from __future__ import annotations

import re
import uuid

import asyncpg
from playwright.async_api import Browser, expect

from tests.browser.conftest import CHROMIUM_ARGS, screenshot  # noqa: F401 -- the same browser setup
from tests.browser.offline_helpers import kept_urls, new_phone_context, wait_for_worker
from tests.browser.test_roles_on_a_phone import log_in
from tests.visits.conftest import FIXTURES

PHOTO = str(FIXTURES / "rotated_gps.jpg")
DESK = {"viewport": {"width": 1280, "height": 800}}


async def fetch(database_url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(database_url)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def test_a_stranger_scans_a_door_card_and_reports_a_difficulty(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    [card] = await fetch(
        live_database_url,
        "SELECT c.token, c.household FROM door_card c JOIN household h ON h.id = c.household"
        " WHERE c.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM public_report r WHERE r.household = h.id)"
        " AND NOT EXISTS (SELECT 1 FROM risk_case k WHERE k.household = h.id AND k.state <> 'cleared')"
        " ORDER BY c.id LIMIT 1",
    )
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"/c/{card['token']}")
    await expect(page.locator("h1")).to_have_text("帮扶联系卡")
    await expect(page.get_by_text("帮扶责任人", exact=True)).to_be_visible()
    await expect(page.get_by_text("政策明白话")).to_be_visible()
    await screenshot(page, "door-card-public-page")
    text = f"老伴住院了，押金交不起 <script>alert(1)</script> {uuid.uuid4().hex[:6]}"
    form = page.locator("form[action$='/difficulty']")
    await form.locator("input[name=category][value=illness]").check()
    await form.locator("textarea[name=text]").fill(text)
    await form.locator("input[name=phone]").fill("13905391234")
    await form.get_by_role("button", name="提交").click()
    await expect(page.locator(".flash--success")).to_contain_text("我们已收到")
    await screenshot(page, "door-card-difficulty-sent")
    [report] = await fetch(live_database_url, "SELECT * FROM public_report WHERE text = $1", text)
    assert report["household"] == card["household"]
    assert report["risk_case"] is not None
    await page.goto("/c/" + "x" * 22)
    await expect(page.locator("body")).to_contain_text("页面不存在")
    await screenshot(page, "door-card-forged-token")
    assert errors == []
    await context.close()


async def test_an_inspector_records_a_finding_offline_and_it_arrives_once_with_its_photo(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    [check] = await fetch(live_database_url, "SELECT id FROM spot_check ORDER BY id LIMIT 1")
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await log_in(page, "inspector")
    await expect(page.locator("#open-findings")).to_be_visible()
    await screenshot(page, "inspector-home")
    await wait_for_worker(page)
    path = f"/checks/{check['id']}"
    await page.goto(path)
    await expect(page.locator("form[data-outbox-form]")).to_be_visible()
    await page.goto("/")  # through the worker now: it keeps the inspector's checks and the outbox for the field
    for _ in range(60):  # (a Promise returned to wait_for_function counts as true at once: poll here instead)
        if {path, "/outbox"} <= set(await kept_urls(page)):
            break
        await page.wait_for_timeout(250)
    assert {path, "/outbox", "/checks"} <= set(await kept_urls(page)), "the worker did not keep the inspector's pages"
    await context.set_offline(True)
    await page.goto(path)
    await expect(page.locator("main[data-kept-copy] form[data-outbox-form]")).to_be_visible()
    await page.locator("[data-pick-household]").first.click()
    description = f"明白卡未上墙 {uuid.uuid4().hex[:6]}"
    await page.fill("textarea[name=description]", description)
    await page.set_input_files("form[data-outbox-form] input[name=photos]", [PHOTO])
    await expect(page.locator("form[data-outbox-form] input[name=photos]")).to_have_attribute(
        "data-shrink-state", "done"
    )
    responsible = await page.locator("select[name=responsible]").input_value()
    assert responsible, "the household's responsible cadre is chosen with the household"
    await screenshot(page, "inspector-finding-offline")
    await page.click("form[data-outbox-form] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/outbox$"))
    await expect(page.locator("[data-outbox-item]").filter(has_text=description)).to_be_visible()
    await screenshot(page, "inspector-finding-in-outbox")
    await context.set_offline(False)
    await expect(page.locator("[data-outbox-link]")).to_be_hidden(timeout=20000)
    rows = await fetch(
        live_database_url,
        "SELECT f.id, f.responsible, (SELECT count(*) FROM finding_photo p WHERE p.finding = f.id) AS photos"
        " FROM finding f WHERE f.description = $1",
        description,
    )
    assert [(row["photos"], str(row["responsible"])) for row in rows] == [(1, responsible)]
    await page.goto(f"/findings/{rows[0]['id']}")
    await expect(page.locator(".visit-photos img")).to_have_count(1)
    await screenshot(page, "inspector-finding-sent")
    assert errors == []
    await context.close()


async def test_the_township_office_reads_reports_pairs_and_figures_at_its_desk(
    browser: Browser, live_server: str
) -> None:
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **DESK)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await log_in(page, "admin")
    await expect(page.locator("#attention")).to_be_visible()
    await screenshot(page, "office-home-desk")
    await page.goto("/reports?kind=complaint")
    await expect(page.locator("[data-report]").first).to_be_visible()
    await screenshot(page, "office-complaints-desk")
    await page.goto("/supervision/photos")
    await expect(page.locator("[data-pair]").nth(2)).to_be_visible()  # the demo's three, and any the other
    # browser tests made by sending the same fixture photo for several visits (rightly flagged too)
    await page.wait_for_function(
        "[...document.querySelectorAll('[data-pair] img')].every(img => img.complete && img.naturalWidth > 0)"
    )  # both photos of every pair, side by side
    await screenshot(page, "office-photos-used-twice-desk")
    await page.goto("/verification/figures")
    await expect(page.locator("#by-village")).to_be_visible()
    await screenshot(page, "office-confirmation-figures-desk")
    await page.goto("/findings")
    await expect(page.locator("[data-finding]").first).to_be_visible()
    await screenshot(page, "office-open-rectifications-desk")
    assert errors == []
    await context.close()
