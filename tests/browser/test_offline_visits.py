"""Offline on a phone: visits recorded without signal wait in the outbox and reach the server exactly once."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.async_api import Browser, Route, expect

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import cadre_ready_offline, new_phone_context, record_offline, stored_visits
from tests.visits.conftest import FIXTURES

PHOTO = str(FIXTURES / "rotated_gps.jpg")
OTHER_PHOTO = str(FIXTURES / "photo.png")


async def test_two_visits_recorded_offline_reach_the_server_once_after_the_page_was_closed(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    forms = await cadre_ready_offline(page)
    notes = [f"离线走访 {uuid.uuid4().hex[:8]} 一", f"离线走访 {uuid.uuid4().hex[:8]} 二"]

    await context.set_offline(True)
    await record_offline(page, forms[0], notes[0], [PHOTO])
    await record_offline(page, forms[1], notes[1], [PHOTO])
    badge = page.locator("[data-outbox-link]")
    await expect(badge).to_be_visible()
    await expect(badge).to_have_text(re.compile(r"待上传\s*2"))
    await expect(page.locator("[data-outbox-item][data-status=waiting]")).to_have_count(2)
    await screenshot(page, "offline-outbox-two-waiting")
    await page.close()

    page = await context.new_page()  # the browser was closed; still no signal
    await page.goto("/")
    await expect(page.locator("#my-households")).to_be_visible()
    await expect(page.locator("[data-outbox-link]")).to_have_text(re.compile(r"待上传\s*2"))
    await screenshot(page, "offline-home-from-cache")

    await context.set_offline(False)
    await expect(page.locator("[data-outbox-link]")).to_be_hidden(timeout=20000)
    visits = await stored_visits(live_database_url, notes)
    assert [(v["note"], v["photos"], v["expected_photos"]) for v in visits] == [(notes[0], 1, 1), (notes[1], 1, 1)]
    await page.goto("/outbox")
    await expect(page.locator("[data-outbox-sent] li")).to_have_count(2)
    await screenshot(page, "offline-outbox-sent")
    assert errors == []
    await context.close()


async def test_a_photo_upload_cut_in_the_middle_still_ends_with_one_visit_and_all_its_photos(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    forms = await cadre_ready_offline(page, forms=1)
    note = f"断网上传 {uuid.uuid4().hex[:8]}"
    cut: list[str] = []

    async def cut_the_first_photo(route: Route) -> None:
        if cut:
            await route.continue_()
            return
        cut.append(route.request.url)  # the server gets the photo, the phone never hears back
        headers = {k: v for k, v in (await route.request.all_headers()).items() if not k.startswith(":")}
        async with httpx.AsyncClient() as client:
            reached = await client.post(route.request.url, content=route.request.post_data_buffer, headers=headers)
        assert reached.status_code == 200, reached.text
        await route.abort("connectionreset")

    await page.route("**/visits/*/photos", cut_the_first_photo)
    await context.set_offline(True)
    await record_offline(page, forms[0], note, [PHOTO, OTHER_PHOTO])
    await context.set_offline(False)
    item = page.locator("[data-outbox-item]").filter(has_text=note)
    await expect(item).to_contain_text("服务器没有回应", timeout=20000)
    assert cut, "the first photo upload was not cut"
    await screenshot(page, "offline-outbox-upload-cut")
    await page.click("[data-outbox-sync]")
    await expect(page.locator("[data-outbox-item]")).to_have_count(0, timeout=20000)
    visits = await stored_visits(live_database_url, [note])
    assert [(v["photos"], v["expected_photos"]) for v in visits] == [(2, 2)]
    await context.close()
