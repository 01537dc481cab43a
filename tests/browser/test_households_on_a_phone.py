"""An admin on a phone finds a household by pinyin initials, reads it, and corrects a member's ID number."""

from __future__ import annotations

import random
import re
from datetime import date

from playwright.async_api import Page, expect

from server.households import id_numbers
from server.households.pinyin import initials
from tests.browser.conftest import ConsoleErrors, screenshot
from tests.browser.test_roles_on_a_phone import log_in


async def test_admin_finds_a_household_by_initials_and_fixes_a_wrong_id_number(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "admin")
    await page.click("nav.bottom-nav >> text=帮扶户")
    await expect(page.locator("#household-rows tr").first).to_be_visible()
    head = (await page.locator("#household-rows td.card-title a.name").nth(3).inner_text()).strip()
    await page.fill("input[name=q]", initials(head))
    await expect(page).to_have_url(re.compile(r"q=" + initials(head)))
    await expect(page.locator("#household-rows tr").first).to_contain_text(head)
    await screenshot(page, "households-search-initials")

    await page.locator("#household-rows a.name", has_text=head).first.click()
    await expect(page.locator("h1")).to_contain_text(head)
    await expect(page.locator("main")).to_contain_text("人均纯收入")
    await page.click("#housing summary")
    await page.click("#history summary")
    await expect(page.locator("#housing")).to_contain_text("住房面积")
    await screenshot(page, "household-page")

    await page.locator("#members a[href$='/edit']").first.click()
    await expect(page.locator("h1")).to_contain_text("编辑成员")
    await page.fill("input[name=id_number]", "371326198001011230")
    await page.click("form.form button[type=submit] >> text=保存")
    error = page.locator("#e-id_number")
    await expect(error).to_contain_text("身份证号码校验位不正确")
    await screenshot(page, "member-wrong-id")

    fixed = id_numbers.make("371326", date(1931, 1, 1 + random.randrange(28)), random.randrange(400), "M")
    await page.fill("input[name=id_number]", fixed)
    await page.click("form.form button[type=submit] >> text=保存")
    await expect(page.locator(".flash--success")).to_contain_text("成员信息已保存")
    await expect(page.locator("#members")).to_contain_text(fixed[:6] + "********" + fixed[-4:])
    await page.click("#history summary")
    await expect(page.locator("#history")).to_contain_text("身份证号")
    await screenshot(page, "household-after-fix")
    assert fixed not in await page.content()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    # The refused form answers 422 on purpose (htmx swaps it); the browser logs that status, nothing else may appear.
    assert [e for e in errors if "status of 422" not in e] == []


async def test_on_a_phone_the_register_goes_on_with_more_and_shows_no_pager_it_would_leave_behind(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "admin")
    await page.click("nav.bottom-nav >> text=帮扶户")
    rows = page.locator("#household-rows tr:not(.only-phone)")
    await expect(rows).to_have_count(30)
    await expect(page.locator("nav.pager")).to_be_hidden()  # "第 1 / 34 页 下一页" stayed after "more" brought 60
    await page.locator("#household-rows a.btn", has_text="更多").click()
    await expect(rows).to_have_count(60)
    await expect(page.locator("nav.pager")).to_be_hidden()
    assert errors == []
