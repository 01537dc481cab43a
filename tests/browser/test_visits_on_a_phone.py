"""The demo cadre records a visit with a real photo on a phone; the leader sees where it was recorded."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import PHONE, ConsoleErrors, screenshot
from tests.browser.test_roles_on_a_phone import log_in
from tests.visits.conftest import FIXTURES

NOTE = "浏览器测试：送去慰问品"
# What the visit drafts in sessionStorage hold when htmx has just swapped an answer in (our listener runs first).
DRAFT_AT_SWAP = """document.addEventListener("htmx:afterSwap", () => {
  window.draftAtSwap = Object.keys(sessionStorage).filter(k => k.startsWith("bangfu:visit-draft:"))
    .map(k => sessionStorage.getItem(k)).join(" ");
}, { once: true })"""


async def open_a_household_timeline(page: Page) -> str:
    """From the cadre's visits, the first visited household's timeline; returns its path."""
    await page.goto("/visits")
    await page.locator("a.visit-cell").first.click()
    await page.locator("a.btn", has_text="帮扶记录").click()
    await expect(page).to_have_url(re.compile(r"/households/\d+/timeline$"))
    return page.url.split("//", 1)[1].split("/", 1)[1]


async def test_the_cadre_records_a_visit_with_a_photo_and_the_leader_sees_the_distance(
    phone: tuple[Page, ConsoleErrors], browser: Browser, live_server: str
) -> None:
    page, errors = phone
    await page.context.grant_permissions(["geolocation"])
    await page.context.set_geolocation({"latitude": 35.301, "longitude": 117.801, "accuracy": 12})
    await log_in(page, "cadre")
    await expect(page.locator("main")).to_be_visible()
    timeline = await open_a_household_timeline(page)
    await page.locator("a.btn", has_text="记录走访").click()
    form = page.locator("form[data-visit-form]")
    await expect(form).to_be_visible()
    await expect(page.locator("input[name=kind][value=home]")).to_be_checked()
    await expect(page.locator("[data-place-status]")).to_contain_text("已记录位置")
    await page.set_input_files("input[name=photos]", str(FIXTURES / "rotated_gps.jpg"))
    await expect(page.locator("input[name=photos]")).to_have_attribute("data-shrink-state", "done")
    await page.fill("textarea[name=note]", NOTE)
    await screenshot(page, "visit-form-filled")
    await page.click("button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("走访已保存")
    await expect(page.locator(".visit-photos img")).to_have_count(1)
    visit_path = "/" + page.url.split("//", 1)[1].split("/", 1)[1]
    await screenshot(page, "visit-saved")

    await page.goto("/" + timeline)
    await expect(page.locator(".timeline")).to_contain_text(NOTE)
    thumb = page.locator(".timeline .visit-photos img").first
    await expect(thumb).to_be_visible()
    assert await thumb.evaluate("img => img.naturalHeight > img.naturalWidth"), "the photo stands upright"
    await screenshot(page, "visit-timeline")
    await page.goto("/visits/ledger/monthly")
    await expect(page.locator("table.ledger")).to_contain_text(NOTE)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the form page scrolls sideways"
    assert errors == []

    leader_context = await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)  # type: ignore[arg-type]
    leader = await leader_context.new_page()
    await log_in(leader, "leader")
    await leader.goto(visit_path)
    await expect(leader.locator("[data-distance]")).to_contain_text(re.compile(r"距农户 [\d.]+ k?m"))
    await screenshot(leader, "visit-leader-distance")
    await leader.goto("/visits/overdue")
    await expect(leader.locator("table")).to_contain_text("双河村")
    await screenshot(leader, "visits-overdue-by-village")
    await leader_context.close()


async def test_the_cadre_sees_follow_ups_due(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "cadre")
    await page.goto("/visits")
    await expect(page.locator(".due-summary")).to_be_visible()
    await screenshot(page, "visits-cadre")
    assert errors == []


async def test_the_cadre_taps_phrases_instead_of_typing_the_note(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "cadre")
    await open_a_household_timeline(page)
    await page.locator("a.btn", has_text="记录走访").click()
    note = page.locator("textarea[name=note]")
    await note.fill("送去米面油")
    await page.click("[data-phrase='了解家庭收入和务工情况。']")
    await page.click("[data-phrase='宣讲防返贫政策。']")
    await page.click("[data-phrase='宣讲防返贫政策。']")  # twice: written once
    await expect(note).to_have_value("送去米面油。了解家庭收入和务工情况。宣讲防返贫政策。")
    await expect(page.locator(".phrase.is-used")).to_have_count(2)
    await screenshot(page, "visit-form-phrases")
    await page.click("button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("走访已保存")
    await expect(page.locator("main")).to_contain_text("了解家庭收入和务工情况。宣讲防返贫政策。")
    assert errors == []


async def test_without_javascript_the_phrases_stay_hidden(browser: Browser, live_server: str) -> None:
    context = await browser.new_context(base_url=live_server, java_script_enabled=False, **PHONE)
    page = await context.new_page()
    await log_in(page, "cadre")
    await open_a_household_timeline(page)
    await page.locator("a.btn", has_text="记录走访").click()
    await expect(page.locator("textarea[name=note]")).to_be_visible()
    await expect(page.locator("[data-phrases]")).to_be_hidden()
    await context.close()


async def test_reloading_after_a_form_error_keeps_the_form_and_what_was_typed(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "cadre")
    await open_a_household_timeline(page)
    await page.locator("a.btn", has_text="记录走访").click()
    form = page.locator("form[data-visit-form]")
    await expect(form).to_be_visible()
    await page.fill("textarea[name=note]", "浏览器测试：出错后刷新，字还在")
    await page.fill("textarea[name=problems]", "屋顶漏雨")
    # A past follow-up day is refused by the browser itself, before anything (photos) is sent.
    await page.fill("input[name=next_follow_up_on]", "2020-01-01")
    await page.click("button[type=submit]")
    assert await page.locator("input[name=next_follow_up_on]").evaluate("input => !input.validity.valid")
    await expect(page.locator(".field__error")).to_have_count(0)
    await page.fill("input[name=next_follow_up_on]", "")
    sent_at = await page.locator("input[name=visited_at]").input_value()
    await page.fill("input[name=visited_at]", "2020-01-01T10:00")
    await page.evaluate(DRAFT_AT_SWAP)
    await page.click("button[type=submit]")
    await expect(page.locator(".field__error")).to_contain_text("走访时间早于一年前")
    # kept the moment the refused form is shown, so a reload straight away loses nothing
    assert "浏览器测试：出错后刷新，字还在" in await page.evaluate("window.draftAtSwap")
    await page.reload()
    await expect(page.locator("main")).not_to_contain_text("此处不支持该操作")
    await expect(form).to_be_visible()
    await expect(page.locator("textarea[name=note]")).to_have_value("浏览器测试：出错后刷新，字还在")
    await expect(page.locator("textarea[name=problems]")).to_have_value("屋顶漏雨")
    await expect(page.locator("[data-draft-restored]")).to_be_visible()
    await screenshot(page, "visit-form-reloaded-after-error")
    await page.fill("input[name=visited_at]", sent_at)
    await page.click("button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("走访已保存")
    await page.go_back()
    await page.reload()
    await expect(page.locator("textarea[name=note]")).to_have_value("")  # sent: nothing is brought back
    assert [e for e in errors if "status of 422" not in e] == []  # the refused form answered 422 on purpose
