"""Statistics on a phone and at the desk: the tables, the charts, the list behind a figure; the county drills down."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import ConsoleErrors, screenshot
from tests.browser.test_roles_on_a_phone import log_in


async def test_the_township_reads_its_statistics_on_a_phone_and_opens_the_list_behind_a_figure(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "admin")
    await page.goto("/statistics")
    await expect(page.locator("#table-cause")).to_contain_text("按主要致贫原因统计户数和人数")
    await expect(page.locator("#table-incidence svg.chart__svg")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the statistics page scrolls sideways on a phone"
    await screenshot(page, "statistics-phone")
    await page.click("#statistics-chapters a.chapter-link >> nth=4")  # a chapter at a time: visits and follow-ups
    await expect(page.locator("#table-visits polyline")).to_have_count(1)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.go_back()
    await page.click("#table-cause tr[data-row='illness'] a.figure")
    await expect(page.locator("#figure-list tbody tr").first).to_be_visible()
    await screenshot(page, "statistics-list-phone")
    assert errors == []


async def test_the_county_drills_from_the_county_to_a_township_at_the_desk(desk: Page) -> None:
    await log_in(desk, "county")
    await desk.goto("/statistics")
    await expect(desk.locator("#statistics-place")).to_contain_text("平邑县")
    await screenshot(desk, "statistics-county-desk")
    await desk.click("#statistics-parts a.place-link >> nth=0")
    await expect(desk.locator("#statistics-place")).to_contain_text("临涧镇")
    await desk.click("#statistics-chapters a.chapter-link >> nth=1")
    await expect(desk.locator("#table-clocks")).to_contain_text("监测对象类型及时限")
    await desk.click("#statistics-chapters a.chapter-link >> nth=0")
    await screenshot(desk, "statistics-township-desk")
    await desk.click("#table-cause tr[data-row='all'] a.figure")
    await expect(desk.locator("#list-count")).to_contain_text("按乡镇和村汇总")
