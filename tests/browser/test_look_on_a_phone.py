"""The familiar WeUI look on a phone (390×844): cards instead of cramped tables, names not underlined, buttons that
never break inside a word, switches instead of bare checkboxes, counters near a text's limit, files checked on the
phone before anything is sent, whole percentages."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import ConsoleErrors, screenshot
from tests.browser.test_roles_on_a_phone import log_in


async def no_sideways_scroll(page: Page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"


async def test_the_cadres_home_marks_urgent_rows_and_keeps_names_and_buttons_readable(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "cadre")
    rows = page.locator("#my-households > li")
    await expect(rows.first).to_be_visible()
    name = rows.first.locator(".cell__title a")
    assert await name.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
    for button in await page.locator("#my-households a.btn").all():
        box = await button.bounding_box()
        assert box is not None
        assert box["height"] <= 48, "the button text wrapped"
        assert "\n" not in await button.inner_text()
    late = [int(v) for v in await page.locator("#my-households > li[data-overdue]").evaluate_all(
        "rows => rows.map(r => r.dataset.overdue)")]  # fmt: skip
    assert late == sorted(late, reverse=True), "the latest follow-up first"
    if late:
        await expect(rows.first).to_have_class(re.compile("cell--warn"))
        await expect(rows.first).to_contain_text("回访逾期")
    await screenshot(page, "look-cadre-home")
    await no_sideways_scroll(page)
    assert errors == []


async def test_the_register_on_a_phone_is_a_search_bar_with_chips_and_cards(phone: tuple[Page, ConsoleErrors]) -> None:
    page, errors = phone
    await log_in(page, "admin")
    await page.goto("/households")
    await expect(page.locator(".search-bar input[type=search]")).to_be_visible()
    await page.fill(".search-bar input[type=search]", "xue")
    await expect(page).to_have_url(re.compile(r"q=xue"))
    await expect(page.locator("#household-rows")).to_contain_text("薛")
    await page.fill(".search-bar input[type=search]", "")
    await page.click(".chips label.chip:has(input[value=returned])")
    await expect(page).to_have_url(re.compile(r"status=returned"))
    row = page.locator("#household-rows tr").first
    # Waited for (to_have_css retries): the rows are swapped in after the address changes, and a row read while it
    # is being replaced has no computed style.
    await expect(row.locator("td.card-title")).to_have_css("display", "block")
    await expect(row.locator("td:nth-child(3)")).to_have_css("display", "inline")  # the village
    name_before = "td => getComputedStyle(td, '::before').content"
    assert await row.locator("td.card-title").evaluate(name_before) in ("none", "normal"), "no ' · ' before the name"
    assert await page.locator("#household-table thead").evaluate("t => t.getBoundingClientRect().height") <= 1
    await screenshot(page, "look-register-cards")
    await no_sideways_scroll(page)
    assert errors == []


async def test_coverage_on_a_phone_shows_whole_percentages_and_every_figure_links_to_its_households(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "leader")
    await page.goto("/coverage")
    percents = await page.locator("#village-figures .village-percent").all_inner_texts()
    assert percents
    assert all(re.fullmatch(r"\d+%", p) for p in percents)
    first = page.locator("#village-figures tbody tr").first
    hrefs = [await a.get_attribute("href") for a in await first.locator("a.figure").all()]
    figures = ["/coverage/uncovered", "/coverage/unvisited", "/coverage/overdue", "/plans/due"]  # plan items overdue
    assert [h.split("?")[0] for h in hrefs if h] == figures
    await screenshot(page, "look-coverage-cards")
    await no_sideways_scroll(page)
    await page.click("#village-figures tbody tr >> nth=0 >> a.figure[href^='/coverage/overdue']")
    await expect(page.locator("#pending-households")).to_be_visible()
    await screenshot(page, "look-overdue-cards")
    await no_sideways_scroll(page)
    assert errors == []


async def test_a_long_note_shows_its_counter_and_a_wrong_file_never_leaves_the_phone(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "cadre")
    await page.click("#my-households a.btn--primary >> nth=0")
    note = page.locator("textarea[name=note]")
    counter = page.locator("textarea[name=note] + .field__counter")
    await note.fill("访" * 100)
    assert await counter.count() == 0 or not await counter.is_visible()
    await note.fill("访" * 1700)
    await expect(counter).to_have_text("1700/2000")
    await note.fill("访" * 2100)  # pasted: the browser keeps 2000, the counter says the limit is reached
    await expect(counter).to_have_text("2000/2000")
    await expect(counter).to_have_class(re.compile("is-over"))
    photos = page.locator("input[name=photos]")
    big = {"name": "录像.mp4", "mimeType": "video/mp4", "buffer": b"\0" * (20 * 1024 * 1024)}
    await photos.set_input_files([big])  # type: ignore[list-item]
    message = page.locator("[data-file-message]")
    await expect(message).to_contain_text("「录像.mp4」未添加")
    await expect(message).to_contain_text("每张最多 15 MB")
    assert await photos.evaluate("input => input.files.length") == 0, "nothing is left to upload"
    broken = {"name": "坏照片.jpg", "mimeType": "image/heic", "buffer": b"not really a photo"}
    await photos.set_input_files([broken])  # type: ignore[list-item]
    await expect(message).to_contain_text("「坏照片.jpg」未添加")
    await screenshot(page, "look-visit-form-limits")
    assert errors == []


async def test_yes_no_settings_are_switches_and_the_excel_file_is_checked_before_sending(
    phone: tuple[Page, ConsoleErrors],
) -> None:
    page, errors = phone
    await log_in(page, "admin")
    await page.goto("/households/new")
    switch = page.locator("input.switch").first
    await expect(switch).to_be_visible()
    assert await switch.evaluate("s => getComputedStyle(s).appearance") == "none"
    await screenshot(page, "look-household-form-switch")
    await page.goto("/households/import")
    roster = page.locator("input[name=roster]")
    await roster.set_input_files([{"name": "名单.txt", "mimeType": "text/plain", "buffer": b"x"}])  # type: ignore[list-item]
    await expect(page.locator("[data-file-message]")).to_contain_text("只能选择 .xlsx 表格，最大 10 MB")
    assert await roster.evaluate("input => input.files.length") == 0
    await screenshot(page, "look-import-refused")
    assert errors == []
