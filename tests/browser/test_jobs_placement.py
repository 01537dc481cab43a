"""On a phone: an employer posts a job, the cadre refers a matching member, the employer hires, the cadre follows up."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.async_api import Page, expect

from server.clock import today
from tests.browser.conftest import ConsoleErrors, screenshot
from tests.helpers import PASSWORD


async def log_in_as(page: Page, username: str) -> None:
    await page.context.clear_cookies()
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("nav.bottom-nav")).to_be_visible()


async def placements_on_figures(page: Page) -> int:
    await page.goto("/jobs/figures")
    value = await page.locator(".stat").nth(2).locator(".stat__value").inner_text()
    return int(value)


async def test_a_job_goes_from_post_to_referral_hire_and_follow_up(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    title = f"质检员{uuid.uuid4().hex[:4]}"
    await log_in_as(page, "leader")
    before = await placements_on_figures(page)

    await log_in_as(page, "employer")
    await page.click("nav.bottom-nav >> text=岗位")
    await page.click("text=发布岗位")
    await page.fill("input[name=title]", title)
    await page.select_option("select[name=work_kind]", "garment")
    await page.fill("input[name=place]", "双河村扶贫车间")
    await page.select_option("select[name=village]", label="双河村")
    await page.fill("input[name=wage_min]", "2800")
    await page.fill("input[name=wage_max]", "3300")
    await page.fill("input[name=headcount]", "2")
    await page.fill("input[name=closing_date]", (today() + timedelta(days=30)).isoformat())
    await page.check("input[name=is_workshop]")
    await screenshot(page, "jobs-employer-post-form")
    await page.click("#job-form button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("岗位已发布")
    job_url = page.url
    await screenshot(page, "jobs-employer-job")

    await log_in_as(page, "cadre")
    await page.click("nav.bottom-nav >> text=就业")
    await page.click(f"text={title}")
    await expect(page.locator("#candidates .cell").first).to_be_visible()
    await screenshot(page, "jobs-cadre-candidates")
    first = page.locator("#candidates form").first
    member = (await first.locator("input[name=member_id]").get_attribute("value")) or ""
    name = await page.locator(f"#candidate-{member} .cell__title a").inner_text()
    await first.locator("input[name=consent]").check()
    await first.locator("button[type=submit]").click()
    await expect(page.locator(".flash--success")).to_contain_text("已推荐")

    await log_in_as(page, "employer")
    await page.click("nav.bottom-nav >> text=推荐")
    await page.click(f".cell:has-text('{title}'):has-text('{name}')")
    content = await page.content()
    assert not re.search(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])", content), "no ID number on the employer's screen"
    await page.fill("#hire-form input[name=start_date]", (today() - timedelta(days=35)).isoformat())
    await page.fill("#hire-form input[name=monthly_wage]", "3000")
    await page.check("#hire-form input[name=has_contract][value='1']")
    await page.check("#hire-form input[name=has_social_insurance][value='1']")
    await page.click("#hire-form button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("答复已保存")
    await screenshot(page, "jobs-employer-hired")
    assert job_url.startswith(page.url.split("/employer/")[0])

    await log_in_as(page, "cadre")
    await page.goto("/jobs/")
    check = page.locator(f".cell:has-text('{name}'):has-text('1个月回访')").first
    await expect(check).to_be_visible()
    await screenshot(page, "jobs-cadre-follow-up-due")
    await check.click()
    form = page.locator("form:has(input[name=still_working])").first
    await form.locator("input[name=still_working][value='1']").check()
    await form.locator("input[name=monthly_wage]").fill("3200")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".flash--success")).to_contain_text("回访已记录")
    await screenshot(page, "jobs-cadre-employment-record")

    await log_in_as(page, "leader")
    assert await placements_on_figures(page) == before + 1
    await screenshot(page, "jobs-leader-figures")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the figures page scrolls sideways on a phone"
    assert errors == []


async def test_the_public_board_and_poster_work_without_login(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await page.context.clear_cookies()
    await page.goto("/board")
    await expect(page.locator("h1")).to_contain_text("招聘信息")
    await expect(page.locator("img.jobs-qr")).to_be_visible()
    await screenshot(page, "jobs-public-board")
    await page.goto("/board/poster")
    await screenshot(page, "jobs-board-poster")
    assert errors == []
