"""An office PC at 1280×800: the same pages use the width (side navigation, real tables, list + detail, bulk work)."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_pairing_on_a_phone import MEDIA_BOX
from tests.browser.test_roles_on_a_phone import log_in


async def codes_shown(page: Page) -> list[str]:
    return [text.strip() for text in await page.locator("#household-rows td:nth-child(7)").all_inner_texts()]


async def test_the_desk_has_a_side_navigation_instead_of_the_bottom_bar(desk: Page) -> None:
    await log_in(desk, "admin")
    nav = desk.locator("nav.bottom-nav")
    await expect(nav).to_be_visible()
    box = await nav.bounding_box()
    assert box is not None
    assert (box["x"], box["y"]) == (0, 0), box
    assert box["width"] < 260, box
    assert box["height"] >= 790, box
    main = await desk.locator("main").bounding_box()
    assert main is not None
    assert main["x"] >= box["width"], "the page starts right of the navigation"
    await screenshot(desk, "desk-admin-home")


async def test_the_register_is_a_sortable_filtered_paged_table_with_the_household_beside_it(desk: Page) -> None:
    await log_in(desk, "admin")
    await desk.goto("/households")
    table = desk.locator("#household-table")
    await expect(table.locator("thead th")).to_have_count(7)  # a tick column for bulk work, then six
    await expect(desk.locator("#household-count")).to_contain_text(re.compile(r"第 1–30 户，共 \d+ 户"))
    await desk.click("#household-table th a:has-text('户编号')")
    await expect(desk.locator("#household-table th[aria-sort='ascending']")).to_contain_text("户编号")
    ascending = await codes_shown(desk)
    assert ascending == sorted(ascending)
    await desk.click("#household-table th a:has-text('户编号')")
    await expect(desk.locator("#household-table th[aria-sort='descending']")).to_contain_text("户编号")
    assert await codes_shown(desk) == sorted(await codes_shown(desk), reverse=True)
    await desk.click("nav.pager a:has-text('下一页')")
    await expect(desk.locator("#household-count")).to_contain_text("第 31–60 户")
    await expect(desk.locator("nav.pager")).to_contain_text("第 2 /")

    total = int(re.findall(r"共 (\d+) 户", await desk.locator("#household-count").inner_text())[0])
    await desk.click(".chips label.chip:has-text('未脱贫')")
    await expect(desk).to_have_url(re.compile(r"status=not_out"))
    filtered = int(re.findall(r"共 (\d+) 户", await desk.locator("#household-count").inner_text())[0])
    assert 0 < filtered < total
    export = await desk.locator("#household-export").get_attribute("href")
    assert "status=not_out" in str(export)
    await expect(desk.locator("#household-export")).to_have_text("导出此名单（Excel）")

    for index in (0, 1):  # bulk: the door cards of the ticked households, four per A4 page
        await desk.locator("#household-rows input[name=household]").nth(index).check()
    async with desk.expect_navigation():
        await desk.click("#bulk-cards button")
    await expect(desk.locator(".door-card")).to_have_count(2)
    await expect(desk.locator("h1")).to_contain_text("帮扶联系卡（2 户）")
    await desk.go_back()

    first = desk.locator("#household-rows a.name").first
    name = (await first.inner_text()).strip()
    await first.click()
    pane = desk.locator("#household-pane")
    await expect(pane).to_be_visible()
    await expect(pane).to_contain_text("家庭成员")
    await expect(desk).to_have_url(re.compile(r"/households\?"))  # the list stays
    await expect(desk.locator("#household-rows tr.is-selected")).to_contain_text(name)
    await screenshot(desk, "desk-register-with-household")


async def test_a_leader_follows_a_village_figure_to_the_households_and_whom_to_call(desk: Page) -> None:
    await log_in(desk, "leader")
    await desk.goto("/coverage")
    villages = desk.locator("#village-figures tbody tr")
    assert await villages.count() > 5
    await screenshot(desk, "desk-coverage")
    percents = await desk.locator("#village-figures .village-percent").all_inner_texts()
    assert all(re.fullmatch(r"\d+%", p) for p in percents), percents
    figure = desk.locator("#village-figures a.figure[href^='/coverage/unvisited?village=']").filter(
        has_text=re.compile(r"^\s*[1-9]")
    )
    village = (await figure.first.locator("xpath=ancestor::tr").get_attribute("data-village")) or ""
    count = int(re.findall(r"\d+", await figure.first.inner_text())[0])
    await figure.first.click()
    rows = desk.locator("#pending-households tbody tr")
    await expect(rows).to_have_count(min(count, 50))
    await expect(desk.locator("main .page-title")).to_contain_text(village)
    await expect(desk.locator("#pending-households thead")).to_contain_text("帮扶责任人")
    late = [int(re.sub(r"\D", "", t) or 0) for t in await desk.locator("td[data-label='逾期天数']").all_inner_texts()]
    assert late == sorted(late, reverse=True), "the latest first"
    phones = desk.locator("#pending-households a[href^='tel:']")
    assert await phones.count() > 0, "a leader sees whom to call"
    await screenshot(desk, "desk-unvisited-whom-to-call")
    await desk.goto("/visits/overdue")
    links = desk.locator("#overdue-villages a.figure")
    assert await links.count() >= 2 * await desk.locator("#overdue-villages tbody tr").count()


async def test_the_statistics_filter_button_stands_on_the_line_of_its_fields(desk: Page) -> None:
    await log_in(desk, "admin")
    await desk.goto("/statistics")
    year = await desk.locator("#statistics-filter input[name=year]").bounding_box()
    button = await desk.locator("#statistics-filter button[type=submit]").bounding_box()
    assert year
    assert button
    assert abs((year["y"] + year["height"]) - (button["y"] + button["height"])) < 1, (year, button)


async def test_the_household_form_lays_its_fields_in_columns_on_the_desk(desk: Page) -> None:
    """Thirty fields one under another made a 3,600 px page of full-width boxes (a year box 640 px wide)."""
    await log_in(desk, "admin")
    await desk.click("nav.bottom-nav >> text=帮扶户")
    household = await desk.locator("#household-rows a.name").first.get_attribute("href")
    await desk.goto(f"{household}/edit")
    boxes = [
        await desk.locator(f"#f-{name}").bounding_box() for name in ("wage_income", "business_income", "income_year")
    ]
    assert all(boxes)
    wage, business, year = boxes
    assert abs(wage["y"] - business["y"]) < 1, "two incomes side by side"  # type: ignore[index]
    assert year["width"] < 400, year  # type: ignore[index]
    await screenshot(desk, "desk-household-form")


async def test_the_wide_reports_show_every_column_on_the_desk(desk: Page) -> None:
    await log_in(desk, "admin")
    for path in ("/projects/funding", "/statistics?chapter=progress", "/statistics?chapter=projects"):
        await desk.goto(path)
        for header in await desk.locator(".table-wrap table tr:first-child > th:last-child").all():
            box = await header.bounding_box()
            assert box is not None
            assert box["x"] + box["width"] <= 1280, (path, await header.inner_text(), box)
    await screenshot(desk, "desk-statistics-projects")


async def test_printing_from_the_desk_gives_a4_pages_without_the_navigation(desk: Page) -> None:
    await log_in(desk, "leader")
    await desk.goto("/visits/ledger/monthly")
    pdf = await desk.pdf(prefer_css_page_size=True, print_background=True)
    width, height = (float(v) for v in MEDIA_BOX.findall(pdf)[0])
    assert abs(width - 595.3) < 2, "A4"
    assert abs(height - 841.9) < 2, "A4"
    await desk.emulate_media(media="print")
    await expect(desk.locator("nav.bottom-nav")).to_be_hidden()
    await screenshot(desk, "desk-ledger-print")


async def test_the_assistant_accepts_the_selected_proposals_in_one_go_and_its_counters_follow(desk: Page) -> None:
    await log_in(desk, "admin")
    await desk.goto("/pairings/assistant")
    proposals = desk.locator("#proposals > li")
    if await proposals.count() < 3:
        return  # every household is covered in this run's shared demo database already
    unpaired = int(await desk.locator("#unpaired-count").inner_text())
    first = proposals.first
    await first.locator("button", has_text="采纳").click()
    await expect(first).to_contain_text("已结对")
    await expect(desk.locator("#unpaired-count")).to_have_text(str(unpaired - 1))
    boxes = desk.locator("#proposals input[name=pair]")
    for index in range(await boxes.count()):
        if index >= 2:
            await boxes.nth(index).uncheck()
    await screenshot(desk, "desk-assistant-selection")
    await desk.click("#accept-all button[type=submit]")
    await expect(desk.locator(".flash--success")).to_contain_text("已保存 2 条结对")


async def test_the_county_office_reads_its_figures_at_the_desk(desk: Page) -> None:
    await log_in(desk, "county")
    await expect(desk.locator("#county-figures")).to_be_visible()
    await screenshot(desk, "desk-county-home")
    await desk.click("#township-figures >> text=临涧镇")
    await expect(desk.locator("#village-figures")).to_be_visible()
    await screenshot(desk, "desk-county-township")
