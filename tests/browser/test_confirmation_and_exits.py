"""The household signs on the cadre's phone, even without signal; the county approves exits on the township's list."""

from __future__ import annotations

import re
import uuid

import asyncpg
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import cadre_ready_offline, new_phone_context, stored_visits
from tests.browser.test_roles_on_a_phone import log_in


async def sign(page: Page) -> None:
    """The head draws two strokes with a finger on the pad."""
    pad = page.locator("[data-signature-pad]")
    await pad.scroll_into_view_if_needed()
    box = await pad.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    for stroke in (((0.1, 0.7), (0.3, 0.2), (0.45, 0.75)), ((0.55, 0.3), (0.75, 0.6), (0.9, 0.25))):
        await page.mouse.move(x + w * stroke[0][0], y + h * stroke[0][1])
        await page.mouse.down()
        for point in stroke[1:]:
            await page.mouse.move(x + w * point[0], y + h * point[1], steps=8)
        await page.mouse.up()
    await expect(page.locator("input[name=signature]")).to_have_value(re.compile(r"^data:image/png;base64,"))


async def test_a_visit_signed_without_signal_reaches_the_server_with_its_signature_and_signs_the_manual(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    [form] = await cadre_ready_offline(page, forms=1)
    note = f"离线签名 {uuid.uuid4().hex[:8]}"

    await context.set_offline(True)
    await page.goto(form)
    await expect(page.locator("main[data-kept-copy] form[data-visit-form]")).to_be_visible()
    await expect(page.locator("[data-call-confirm]")).to_be_hidden()  # a home visit is signed, not phoned
    await page.fill("textarea[name=note]", note)
    await sign(page)
    await screenshot(page, "visit-signed-on-a-phone")
    await page.click("form[data-visit-form] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/outbox$"))
    await context.set_offline(False)
    await expect(page.locator("[data-outbox-link]")).to_be_hidden(timeout=20000)

    [visit] = await stored_visits(live_database_url, [note])
    connection = await asyncpg.connect(live_database_url)
    try:
        way = await connection.fetchval("SELECT way FROM visit_confirmation WHERE visit = $1", visit["id"])
        household = await connection.fetchval("SELECT household FROM visit WHERE id = $1", visit["id"])
    finally:
        await connection.close()
    assert way == "signature"
    await page.goto(f"/visits/{visit['id']}")
    signature = page.locator("#confirmation img[data-signature-image]")
    await expect(signature).to_be_visible()
    assert await signature.evaluate("img => img.complete && img.naturalWidth > 0"), "the stored PNG loads"
    await screenshot(page, "visit-with-signature")
    await page.goto(f"/households/{household}/manual")
    await expect(page.locator(".manual__visit img[data-signature-image]")).to_have_count(1)
    await screenshot(page, "manual-with-signature-phone")
    assert errors == []
    await context.close()


async def test_a_phone_call_shows_the_phone_confirmation_instead_of_the_pad(phone: tuple[Page, object]) -> None:
    page, _ = phone
    await log_in(page, "cadre")
    await page.locator("#my-households a.btn--primary").first.click()
    await expect(page.locator("form[data-visit-form]")).to_be_visible()
    await expect(page.locator("[data-signature]")).to_be_visible()
    await page.locator("label.choice", has_text="电话联系").click()
    await expect(page.locator("[data-signature]")).to_be_hidden()
    await expect(page.locator("[data-call-confirm]")).to_be_visible()
    await page.locator("[data-call-confirm]").scroll_into_view_if_needed()
    await screenshot(page, "visit-phone-confirmation")


async def test_the_county_approves_an_exit_on_the_townships_list_and_the_announcement_marks_it_out(
    desk: Page, live_database_url: str
) -> None:
    await log_in(desk, "admin")
    await desk.goto("/submissions")
    await expect(desk.locator("#submit-exits-form")).to_be_visible()
    await desk.click("#submit-exits-form button")
    await expect(desk).to_have_url(re.compile(r"/submissions/\d+$"))
    list_id = desk.url.rsplit("/", 1)[1]
    await desk.context.clear_cookies()

    await log_in(desk, "county")
    await desk.goto(f"/county/lists/{list_id}")
    await expect(desk.locator("#list-rows tbody tr")).to_have_count(1)
    await desk.fill("input[name=document]", "平扶发〔2026〕21号")
    await screenshot(desk, "county-exit-list-desk")
    await desk.click("#decision-form button[type=submit]")
    await expect(desk.locator("#announcement-form")).to_be_visible()
    await desk.fill("input[name=ends_on]", "2099-12-31")
    await desk.click("#announcement-form button[type=submit]")
    await expect(desk.locator("#list-rows .tag--green")).to_have_count(1)
    connection = await asyncpg.connect(live_database_url)
    try:
        states = await connection.fetch(
            "SELECT c.state, h.status FROM county_submission_item i JOIN exit_case c ON c.id = i.subject"
            " JOIN household h ON h.id = c.household WHERE i.submission = $1",
            int(list_id),
        )
    finally:
        await connection.close()
    assert [(s["state"], s["status"]) for s in states] == [("exited", "out_supported")]
    await screenshot(desk, "county-exit-list-announced-desk")
