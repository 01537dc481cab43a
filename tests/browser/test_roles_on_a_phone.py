"""Each demo role logs in on a phone-sized screen and lands on its own home."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ConsoleErrors, screenshot
from tests.helpers import PASSWORD


async def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")


@pytest.mark.parametrize(
    ("username", "home_text"),
    [
        ("cadre", "我的结对帮扶户"),
        ("leader", "全镇概况"),
        ("admin", "全镇概况"),
        ("employer", "已审核"),
        ("county", "全县"),
    ],
)
async def test_demo_role_logs_in_and_sees_its_home(
    phone: tuple[Page, ConsoleErrors], username: str, home_text: str
) -> None:
    page, errors = phone
    await page.goto("/")
    await expect(page).to_have_url("/login")
    await screenshot(page, "login")
    await log_in(page, username)
    await expect(page.locator("main")).to_contain_text(home_text)
    await expect(page.locator("nav.bottom-nav")).to_be_visible()
    await screenshot(page, f"home-{username}")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    assert errors == []


async def test_wrong_password_shows_the_chinese_message(phone: tuple[Page, ConsoleErrors]) -> None:
    page, _ = phone
    await log_in(page, "cadre", "Wrong@12345")
    await expect(page.locator(".flash--error")).to_contain_text("用户名或密码错误")


async def test_boosted_navigation_keeps_the_page_working(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "admin")
    await page.click("nav.bottom-nav >> text=我的")
    await expect(page.locator("h1")).to_contain_text("我的")
    await page.click("nav.bottom-nav >> text=首页")  # the admin's accounts live on the home (the nav holds 5 items)
    await page.click("main a.cell >> text=账号")
    await expect(page.locator("#user-rows")).to_be_visible()
    await page.fill("input[name=q]", "cadre")
    await expect(page.locator("#user-rows tbody tr").first).to_contain_text("cadre")
    await screenshot(page, "admin-users")
    assert errors == []


async def test_the_county_office_opens_a_township_village_by_village(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "county")
    await expect(page.locator("h1")).to_contain_text("平邑县")
    await page.click("#township-figures >> text=临涧镇")
    await expect(page.locator("#village-figures [data-village='双河村']")).to_be_visible()
    await screenshot(page, "county-township")
    assert await page.locator("a[href^='/households/']").count() == 0, "figures only, no household"
    await page.go_back()
    await expect(page.locator("#county-figures")).to_be_visible()
    assert errors == []
