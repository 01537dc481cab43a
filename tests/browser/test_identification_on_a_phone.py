"""The admin takes a new family from application to registered on a phone, step by step, and prints the notice."""

from __future__ import annotations

import re
from datetime import date, timedelta

import asyncpg
from playwright.async_api import Page, expect

from server.clock import today
from server.households import id_numbers
from tests.browser.conftest import SCREENSHOTS, ConsoleErrors, screenshot
from tests.browser.test_roles_on_a_phone import log_in
from tests.helpers import without_tokens

# The demo draws each village's population at random (seeded by the division code), so the test asks the database
# for what it needs rather than naming a village: an ordinary village of over 1000 people (survey team 3-5,
# at least 30 representatives) without demo applications, so the meeting lists only this family.
LARGE_VILLAGE_WITHOUT_APPLICATIONS = """
SELECT v.name FROM village v JOIN township t ON t.id = v.township
WHERE t.code = '371326105000' AND v.key_level = '' AND v.population > 1000
  AND NOT EXISTS (SELECT FROM identification_application a WHERE a.village = v.id)
ORDER BY v.code LIMIT 1
"""
FULL_ID = re.compile(r"\d{17}[\dX]")
MOBILE = re.compile(r"1[3-9]\d{9}")


async def click_and_wait(page: Page, selector: str) -> None:
    async with page.expect_navigation():
        await page.click(selector)


async def large_village(database_url: str) -> str:
    connection = await asyncpg.connect(database_url)
    try:
        name = await connection.fetchval(LARGE_VILLAGE_WITHOUT_APPLICATIONS)
    finally:
        await connection.close()
    assert name, "the demo township has no ordinary village of over 1000 people without applications"
    return str(name)


async def test_admin_registers_a_family_through_every_step_and_prints_the_notice(
    phone: tuple[Page, ConsoleErrors], live_database_url: str
) -> None:
    page, errors = phone
    village = await large_village(live_database_url)
    now = today()
    id_number = id_numbers.make("371302", date(1975, 3, 8), 7, "M")
    await log_in(page, "admin")
    await page.click("nav.bottom-nav >> text=精准识别")
    await expect(page.locator("h1")).to_contain_text("精准识别")
    await expect(page.locator("main")).to_contain_text("指导比例")
    await screenshot(page, "identification-overview")

    await page.click(f"a.cell:has-text('{village}')")
    await page.click("text=新增申请")
    await page.select_option("select[name=group]", index=1)
    await page.fill("input[name=head_name]", "郑长河")
    await page.fill("input[name=id_number]", id_number)
    await page.fill("input[name=phone]", "13955550123")
    await page.fill("input[name=member_count]", "4")
    await page.select_option("select[name=main_cause]", "lack_funds")
    await page.fill("textarea[name=reason]", "儿子上学，缺少发展资金")
    await page.fill("input[name=declared_income]", "2600")
    await screenshot(page, "identification-apply")
    await click_and_wait(page, "text=登记申请")
    await expect(page.locator(".flash--success")).to_contain_text("申请已登记")

    await page.fill("input[name=team]", "张建华、李红梅")
    await page.fill("input[name=surveyed_on]", (now - timedelta(days=20)).isoformat())
    await page.fill("textarea[name=findings]", "三间土坯房，人均收入低于标准")
    await page.check("input[name=eligible][value=yes]")
    await click_and_wait(page, "text=登记入户调查")
    await expect(page.locator(".field__error").first).to_contain_text("入户调查组应为 3-5 人")  # a village of over 1000
    await screenshot(page, "identification-survey-team-too-small")
    await page.fill("input[name=team]", "张建华、李红梅、王守田")
    await click_and_wait(page, "text=登记入户调查")
    await expect(page.locator(".flash--success")).to_contain_text("入户调查已登记")
    await click_and_wait(page, "button:has-text('列入初选名单')")
    await expect(page.locator("main")).to_contain_text("初选名单")

    await page.click("a.btn:has-text('登记民主评议')")
    await page.fill("input[name=held_on]", (now - timedelta(days=15)).isoformat())
    await page.fill("input[name=representatives_present]", "12")
    await page.fill("input[name^=votes_for_]", "10")
    await page.fill("input[name^=votes_against_]", "1")
    await page.check("input[name^=passed_][value=yes]")
    await click_and_wait(page, "button:has-text('登记民主评议')")
    await expect(page.locator(".field__error").first).to_contain_text("参加评议的村民代表不少于 30 人")
    await screenshot(page, "identification-meeting-too-few")
    await page.fill("input[name=representatives_present]", "35")
    await click_and_wait(page, "button:has-text('登记民主评议')")
    majority = "通过需要到会代表过半数赞成（到会 35 人，赞成 10 人）"
    await expect(page.locator(".field__error").first).to_contain_text(majority)
    await page.fill("input[name^=votes_for_]", "31")
    await click_and_wait(page, "button:has-text('登记民主评议')")
    await expect(page.locator(".flash--success")).to_contain_text("民主评议已登记")

    await page.click("a.btn:has-text('发布村级公示')")
    await page.fill("input[name=starts_on]", (now - timedelta(days=8)).isoformat())
    await page.fill("input[name=ends_on]", (now - timedelta(days=1)).isoformat())
    await page.fill("input[name=posted_at]", "村委会公示栏")
    await click_and_wait(page, "button:has-text('发布村级公示')")
    await expect(page.locator(".flash--success")).to_contain_text("村级公示已登记")

    await page.click("summary:has-text('登记异议')")
    await page.fill("input[name=received_on]", (now - timedelta(days=3)).isoformat())
    await page.select_option("select[name=application]", label="郑长河")
    await page.fill("textarea[name=content]", "反映该户儿子在外地打工")
    await click_and_wait(page, "button:has-text('登记异议')")
    await expect(page.locator(".cell--warn")).to_contain_text("反映该户儿子在外地打工")
    await page.click("a.cell:has-text('郑长河')")
    await expect(page.locator("main")).to_contain_text("异议尚未答复")
    await page.go_back()
    await page.fill("textarea[name=answer]", "经核实，其子在读大学，并未务工")
    await page.fill("input[name=answered_on]", now.isoformat())
    await click_and_wait(page, "button:has-text('保存答复')")
    await expect(page.locator(".flash--success")).to_contain_text("答复已保存")
    await screenshot(page, "identification-village")

    await page.click("a.cell:has-text('郑长河')")
    await page.check("input[name=passed][value=yes]")
    await click_and_wait(page, "button:has-text('登记乡镇审核')")
    application = page.url
    await expect(page.locator("#awaiting-county")).to_contain_text("由县扶贫办在乡镇报送的名单上审批")
    await page.click("a.btn:has-text('报县名单')")
    await click_and_wait(page, "#submit-form button")
    await expect(page.locator(".flash--success")).to_contain_text("名单已报送县扶贫办")

    await page.context.clear_cookies()  # the county office, on its own account
    await log_in(page, "county")
    await page.click("nav.bottom-nav >> text=审批")
    await page.click("#lists a.name >> nth=0")
    await expect(page.locator("#list-rows")).to_contain_text("郑长河")
    assert not FULL_ID.search(without_tokens(await page.content())), "the county reads masked ID numbers"
    await page.fill("input[name=document]", "平扶贫发〔2026〕21号")
    await screenshot(page, "county-list-deciding")
    await click_and_wait(page, "button:has-text('登记县级审批结果')")
    await expect(page.locator(".flash--success")).to_contain_text("县级审批结果已登记")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the county's list scrolls sideways on a phone"
    county_list = page.url

    await page.context.clear_cookies()
    await log_in(page, "admin")
    await page.goto(application)
    await expect(page.locator("#awaiting-announcement")).to_contain_text("县扶贫办尚未公告批准该户的名单")
    await expect(page.locator("button:has-text('建档立卡登记')")).to_have_count(0)
    await screenshot(page, "identification-awaiting-announcement")

    await page.context.clear_cookies()  # the county announces the households it approved
    await log_in(page, "county")
    await page.goto(county_list)
    await page.fill("#announcement-form input[name=starts_on]", (now - timedelta(days=7)).isoformat())
    await page.fill("#announcement-form input[name=ends_on]", (now - timedelta(days=1)).isoformat())
    await click_and_wait(page, "#announcement-form button")
    await expect(page.locator(".flash--success")).to_be_visible()

    await page.context.clear_cookies()
    await log_in(page, "admin")
    await page.goto(application)
    await expect(page.locator("#announced")).to_contain_text("县级公告")
    await click_and_wait(page, "button:has-text('建档立卡登记')")
    await expect(page.locator(".flash--success")).to_contain_text("该户已建档立卡")
    await expect(page.locator("main")).to_contain_text("办理记录")
    await screenshot(page, "identification-registered")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the application page scrolls sideways on a phone"

    await page.click("a.app-header__back")
    await page.click("text=打印村级公示")
    await expect(page.locator(".notice-doc__title")).to_contain_text("贫困户识别公示")
    html = without_tokens(await page.content())
    assert "郑长河" in html
    assert id_number not in html
    assert not MOBILE.search(html), "a mobile phone number is on the notice"
    assert not FULL_ID.search(html), "a full ID number is on the notice"
    await screenshot(page, "identification-notice-phone")
    await page.set_viewport_size({"width": 794, "height": 1123})
    await page.emulate_media(media="print")
    await screenshot(page, "identification-notice-print")
    pdf = await page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "identification-notice.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the notice does not fit one A4 page"
    await page.emulate_media(media="screen")
    await page.goto(page.url.split("?")[0] + "?kind=announcement")
    await expect(page.locator(".notice-doc")).to_contain_text("郑长河")
    await screenshot(page, "identification-announcement")
    # The two refused forms (team too small, too few representatives) answered 422, which the console reports.
    assert [error for error in errors if "status of 422" not in error] == []
