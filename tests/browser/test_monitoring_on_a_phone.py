"""A sudden illness recorded on a visit reaches the risk list; the admin takes it to monitored and cleared."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from playwright.async_api import Browser, Page, expect

from server.clock import TIMEZONE
from tests.browser.conftest import PHONE, ConsoleErrors, screenshot
from tests.browser.test_roles_on_a_phone import log_in

NOTE = "浏览器测试：户主突发脑梗住院"
# A household the demo cadre is paired with, lifted out, well above the line, never flagged: it can be cleared.
CANDIDATE = """
SELECT h.id, h.code, u.id AS cadre, (SELECT id FROM app_user WHERE username = 'leader') AS leader FROM household h
JOIN pairing p ON p.household = h.id AND p.ended_on IS NULL JOIN app_user u ON u.id = p.cadre
WHERE u.username = 'cadre' AND h.status = 'out_supported' AND h.monitoring_type IS NULL
  AND NOT EXISTS (SELECT 1 FROM risk_case rc WHERE rc.household = h.id)
  AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.household = h.id AND v.hardship IS NOT NULL)
  AND (h.wage_income + h.business_income + h.property_income + h.transfer_income - h.production_cost)
      > 9000 * (SELECT count(*) FROM member m WHERE m.household = h.id)
ORDER BY h.id LIMIT 1
"""


async def candidate(database_url: str) -> dict[str, Any]:
    connection = await asyncpg.connect(database_url)
    try:
        row = await connection.fetchrow(CANDIDATE)
    finally:
        await connection.close()
    assert row is not None, "the demo has no household to take through"
    return dict(row)


async def test_a_sudden_illness_goes_from_a_visit_to_a_cleared_risk_and_the_cadres_assessment(
    phone: tuple[Page, ConsoleErrors], browser: Browser, live_server: str, live_database_url: str
) -> None:
    chosen = await candidate(live_database_url)
    household, cadre = chosen["id"], chosen["cadre"]
    page, errors = phone
    found = datetime.now(TIMEZONE) - timedelta(days=20)
    await log_in(page, "cadre")
    await page.goto(f"/households/{household}/visits/new")
    await page.fill("textarea[name=note]", NOTE)
    await page.locator("label.choice", has_text="突发疾病").click()
    await page.fill("input[name=visited_at]", found.strftime("%Y-%m-%dT%H:%M"))
    await screenshot(page, "monitoring-visit-hardship")
    await page.click("button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("走访已保存")
    await expect(page.locator("main")).to_contain_text("突发疾病")

    admin_context = await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    admin = await admin_context.new_page()
    await log_in(admin, "admin")
    await admin.goto("/monitoring/risks")
    row = admin.locator(f'[data-risk="{household}"]')
    await expect(row).to_contain_text("突发疾病")
    await row.scroll_into_view_if_needed()
    await screenshot(admin, "monitoring-risk-list")
    await row.get_by_role("button", name="登记风险").click()
    await expect(admin.locator(".flash--success")).to_contain_text("风险已登记")
    await expect(admin.locator("#days-since-found")).to_have_text("20")
    await screenshot(admin, "monitoring-case-found")

    day = found.date()
    await admin.fill("input[name=notice_starts_on]", (day + timedelta(days=1)).isoformat())
    await admin.fill("input[name=notice_ends_on]", (day + timedelta(days=3)).isoformat())
    await admin.click("#notice-form button[type=submit]")
    await expect(admin.locator(".field__error")).to_contain_text("村级公示不少于 5 天")
    await admin.fill("input[name=notice_ends_on]", (day + timedelta(days=5)).isoformat())
    await admin.click("#notice-form button[type=submit]")
    await expect(admin.locator(".flash--success")).to_contain_text("村级公示")
    await admin.locator("#confirm-form label", has_text="突发严重困难户").click()
    await admin.fill("input[name=confirmed_on]", (day + timedelta(days=6)).isoformat())
    await admin.click("#confirm-form button[type=submit]")
    await expect(admin.locator(".flash--success")).to_contain_text("已纳入监测对象")
    await screenshot(admin, "monitoring-case-monitored")
    for checkbox in await admin.locator("#clear-form input[type=checkbox]").all():
        await checkbox.check()
    await admin.click("#clear-form button[type=submit]")
    await expect(admin.locator(".flash--success")).to_contain_text("风险已消除")
    await expect(admin.locator("#steps")).to_contain_text("风险消除")
    await screenshot(admin, "monitoring-case-cleared")
    assert await admin.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    await admin.goto("/monitoring/rate")
    await expect(admin.locator("#township-rate")).to_contain_text("%")
    await screenshot(admin, "monitoring-rate")

    await page.goto(f"/monitoring/assessment/{cadre}")
    await expect(page.locator("[data-figure=risks-cleared]")).to_contain_text(re.compile(r"[1-9]"))
    await expect(page.locator("#outcomes")).to_contain_text(chosen["code"])
    await screenshot(page, "monitoring-assessment-sheet")
    other = await page.request.get(f"/monitoring/assessment/{chosen['leader']}")  # another person's sheet
    assert other.status == 404
    await admin_context.close()
    assert errors == []


async def test_the_leader_reaches_monitoring_from_the_bottom_navigation(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "leader")
    await page.click("nav.bottom-nav >> text=监测")
    await expect(page.locator("h1")).to_contain_text("防返贫监测")
    await expect(page.locator("#risks .risk-row").first).to_be_visible()
    await expect(page.locator("main")).not_to_contain_text("登记风险")  # leaders see, admins act
    await screenshot(page, "monitoring-overview-leader")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert errors == []
