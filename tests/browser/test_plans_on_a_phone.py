"""The cadre drafts a help plan on the phone; a visit's measure delivers it; the manual prints it on A4."""

from __future__ import annotations

from typing import Any

import asyncpg
from playwright.async_api import Page, expect

from server.clock import today
from tests.browser.conftest import ConsoleErrors, screenshot
from tests.browser.test_roles_on_a_phone import log_in

# A household the demo cadre is paired with, without a plan item of education this year.
CANDIDATE = """
SELECT h.id FROM household h JOIN pairing p ON p.household = h.id AND p.ended_on IS NULL
JOIN app_user u ON u.id = p.cadre
WHERE u.username = 'cadre' AND NOT EXISTS (SELECT 1 FROM help_plan_item i JOIN help_plan hp ON hp.id = i.plan
      WHERE hp.household = h.id AND i.type = 'education')
ORDER BY h.id LIMIT 1
"""


async def candidate(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        household: Any = await connection.fetchval(CANDIDATE)
    finally:
        await connection.close()
    assert household is not None, "the demo has no household for the plan"
    return int(household)


async def test_a_cadre_plans_a_measure_delivers_it_on_a_visit_and_prints_the_manual(
    phone: tuple[Page, ConsoleErrors], live_database_url: str
) -> None:
    household = await candidate(live_database_url)
    page, errors = phone
    await log_in(page, "cadre")
    await page.goto(f"/households/{household}")
    await page.get_by_role("link", name="帮扶计划").first.click()
    await expect(page.locator("h1.app-header__title")).to_contain_text("帮扶计划")
    await page.select_option("select[name=type]", "education")
    await page.fill("input[name=what]", "落实雨露计划助学补助")
    await page.fill("input[name=due_on]", f"{today().year}-12-31")
    await page.fill("input[name=amount]", "1500")
    await page.fill("input[name=target]", "子女顺利完成学业")
    await screenshot(page, "plan-draft-phone")
    await page.get_by_role("button", name="加入帮扶计划").click()
    await expect(page.locator(".flash--success")).to_contain_text("计划措施已添加")
    item = page.locator("#plan-items .cell", has_text="落实雨露计划助学补助")
    await expect(item).to_contain_text("未落实")

    await page.goto(f"/households/{household}/visits/new")
    await page.fill("textarea[name=note]", "浏览器测试：发放助学补助")
    await page.select_option("select[name=measure_type]", "education")
    await page.fill("input[name=measure_amount]", "1500")
    await page.click("button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("走访已保存")

    await page.goto(f"/households/{household}/plan")
    await expect(page.locator("#plan-items .cell", has_text="落实雨露计划助学补助")).to_contain_text("已落实")
    await screenshot(page, "plan-delivered-phone")
    await page.goto(f"/households/{household}/timeline")
    await expect(page.locator("main")).to_contain_text("措施落实回访")  # the paid measure's check is due
    # The visit's measures read on one line after their label, as its note does (the label is not a block of its own).
    measures = page.locator(".timeline__item--visit .visit-text", has_text="教育扶持 1500.00元").first
    label, line = await measures.locator(".muted").bounding_box(), await measures.bounding_box()
    assert label
    assert line
    assert abs(label["x"] - line["x"]) < 1, (label, line)
    assert line["height"] < 2 * label["height"], (label, line)

    await page.goto(f"/households/{household}/manual")
    await expect(page.locator("[data-manual-plan]")).to_contain_text("落实雨露计划助学补助")
    await expect(page.locator("[data-manual-measures]")).to_contain_text("1500.00")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the manual's tables scroll in their own boxes, not the whole page"
    await page.emulate_media(media="print")
    await expect(page.locator(".manual__running")).to_be_visible()
    await expect(page.locator(".manual-tools")).to_be_hidden()
    await screenshot(page, "manual-print")
    assert not errors
