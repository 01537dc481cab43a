"""On a phone: the admin pairs through the assistant, a leader watches coverage reach 100%, a cadre sees households,
and door cards print as A6 (one) or four to an A4 page (a village)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import PHONE, ConsoleErrors, screenshot
from tests.helpers import PASSWORD

MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")


async def log_in(page: Page, username: str) -> None:
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("nav.bottom-nav")).to_be_visible()


@pytest.fixture
async def second_phone(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    yield await context.new_page()
    await context.close()


async def village_line(page: Page, village_id: str) -> Any:
    return page.locator(f'#village-figures tr:has(a[href="/coverage/uncovered?village={village_id}"])')


async def test_admin_pairs_with_the_assistant_and_the_leader_sees_full_coverage(
    phone: tuple[Page, ConsoleErrors], second_phone: Page
) -> None:
    admin, errors = phone
    leader = second_phone
    await log_in(leader, "leader")
    await leader.click("nav.bottom-nav >> text=覆盖")
    await expect(leader.locator("h1")).to_contain_text("覆盖")
    await screenshot(leader, "coverage-before")
    warn = leader.locator("#village-figures tr.is-warn a.village-covered")
    if await warn.count() == 0:
        pytest.skip("every village is already covered in this run's shared demo database")
    href = await warn.first.get_attribute("href")
    assert href
    village_id = href.rsplit("=", 1)[1]
    line = await village_line(leader, village_id)
    assert "100%" not in await line.locator(".village-percent").inner_text()

    await log_in(admin, "admin")
    await admin.click("nav.bottom-nav >> text=结对")
    await admin.click("text=结对助手")
    await admin.goto(f"/pairings/assistant?village={village_id}")
    rows = admin.locator("#proposals > li")
    await expect(rows.first).to_be_visible()
    await screenshot(admin, "assistant-village")
    first = rows.first
    row_id = await first.get_attribute("id")
    await first.locator("button", has_text="采纳").click()
    await expect(admin.locator(f"#{row_id}")).to_contain_text("已结对")
    await screenshot(admin, "assistant-one-accepted")
    await admin.click(f"#{row_id} >> text=查看该户帮扶责任人")
    await expect(admin.locator("#active-pairings")).to_be_visible()
    await screenshot(admin, "pairing-household")
    await admin.goto(f"/pairings/assistant?village={village_id}")
    if await admin.locator("#accept-all button").count():
        await admin.click("#accept-all button")
        await expect(admin.locator(".flash--success")).to_contain_text("已保存")
    await admin.goto("/pairings/assistant")  # the rest of the township, so every cadre meets the quota
    if await admin.locator("#accept-all button").count():
        await admin.click("#accept-all button")
        await expect(admin.locator(".flash--success")).to_contain_text("已保存")
    await expect(admin.locator("#no-proposals")).to_contain_text("无需建议")
    await screenshot(admin, "assistant-done")

    await leader.reload()
    line = await village_line(leader, village_id)
    await expect(line.locator(".village-percent")).to_have_text("100%")
    leaders_meeting = (await leader.locator("#leaders-meeting").inner_text()).split("/")
    members_meeting = (await leader.locator("#members-meeting").inner_text()).split("/")
    assert leaders_meeting[0] == leaders_meeting[1]
    assert members_meeting[0] == members_meeting[1]
    await expect(leader.locator("#township-figures")).to_contain_text("每户都已落实帮扶责任人")
    await screenshot(leader, "coverage-after")
    for page in (admin, leader):
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []


async def test_a_cadre_sees_their_households_and_prints_a_door_card(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "cadre")
    households = page.locator("#my-households > li")
    await expect(households.first).to_be_visible()
    assert await households.count() >= 5
    await expect(households.first.locator("a.btn")).to_have_text("记录走访")
    await screenshot(page, "home-cadre-households")
    link = await households.first.locator(".cell__title a").get_attribute("href")
    assert link
    assert re.fullmatch(r"/households/\d+", link)
    await page.goto(link + "/card")
    await expect(page.locator(".door-card")).to_contain_text("帮扶联系卡")
    await expect(page.locator(".door-card__qr svg")).to_be_visible()
    await screenshot(page, "door-card-phone")
    pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = MEDIA_BOX.findall(pdf)
    assert len(boxes) == 1  # one A6 page: 105 x 148 mm = 297.6 x 419.5 pt
    width, height = (float(v) for v in boxes[0])
    assert abs(width - 297.6) < 2
    assert abs(height - 419.5) < 2
    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": 397, "height": 560})
    await screenshot(page, "door-card-print")
    assert errors == []


async def test_a_village_sheet_prints_four_cards_per_a4_page(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "admin")
    await page.goto("/coverage")
    href = await page.locator("#village-figures a.village-covered").first.get_attribute("href")
    assert href
    await page.goto(f"/pairings/villages/{href.rsplit('=', 1)[1]}/cards")
    cards = await page.locator(".door-card").count()
    assert cards > 0
    pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = MEDIA_BOX.findall(pdf)
    assert len(boxes) == -(-cards // 4)
    width, height = (float(v) for v in boxes[0])
    assert abs(width - 595.3) < 2
    assert abs(height - 841.9) < 2
    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": 794, "height": 1123})
    await page.screenshot(path="test-artifacts/screenshots/door-cards-sheet-print.png", caret="initial")
    assert errors == []
