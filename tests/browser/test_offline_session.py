"""Offline on a phone: a session that ended while the visit waited keeps the visit until the cadre logs in again."""

from __future__ import annotations

import uuid

import asyncpg
from playwright.async_api import Browser, expect

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import cadre_ready_offline, new_phone_context, record_offline, stored_visits
from tests.browser.test_roles_on_a_phone import log_in
from tests.visits.conftest import FIXTURES


async def end_the_cadres_sessions(database_url: str) -> None:
    """What the idle timeout (30 minutes) or an admin would do while the phone had no signal."""
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            'DELETE FROM web_session WHERE "user" = (SELECT id FROM app_user WHERE username = $1)', "cadre"
        )
    finally:
        await connection.close()


async def test_a_visit_kept_through_an_ended_session_is_sent_once_after_logging_in_again(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    [form] = await cadre_ready_offline(page, forms=1)
    note = f"会话过期后补传 {uuid.uuid4().hex[:8]}"
    await context.set_offline(True)
    await record_offline(page, form, note, [str(FIXTURES / "photo.png")])
    await end_the_cadres_sessions(live_database_url)

    await context.set_offline(False)  # signal again, on the outbox page: sending finds the session gone
    login_prompt = page.locator("[data-outbox-login]")
    await expect(login_prompt).to_be_visible(timeout=20000)
    await expect(page.locator("[data-outbox-item]").filter(has_text=note)).to_be_visible()
    await screenshot(page, "offline-outbox-login-again")
    assert await stored_visits(live_database_url, [note]) == [], "nothing is sent without a session"

    await log_in(page, "cadre")  # the home page loads and sends what waits
    for _ in range(40):
        visits = await stored_visits(live_database_url, [note])
        if visits and visits[0]["photos"] == 1:
            break
        await page.wait_for_timeout(500)
    assert [(v["note"], v["photos"]) for v in visits] == [(note, 1)], "sent once, with its photo"
    await page.goto("/outbox")
    await expect(page.locator("[data-outbox-item]")).to_have_count(0)
    await expect(login_prompt).to_be_hidden()
    assert errors == []
    await context.close()


async def test_two_open_tabs_coming_online_send_a_queued_visit_once(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    [form] = await cadre_ready_offline(page, forms=1)
    note = f"两个标签页 {uuid.uuid4().hex[:8]}"
    await context.set_offline(True)
    await record_offline(page, form, note, [str(FIXTURES / "photo.png"), str(FIXTURES / "rotated_gps.jpg")])
    other = await context.new_page()
    await other.goto("/outbox")  # kept by the worker: the same queue, seen from a second tab
    await expect(other.locator("[data-outbox-item]").filter(has_text=note)).to_be_visible()

    await context.set_offline(False)  # both tabs hear "online" and try to send
    await other.evaluate("window.bangfuOutbox.sync()")
    for _ in range(40):
        visits = await stored_visits(live_database_url, [note])
        if visits and visits[0]["photos"] == 2:
            break
        await page.wait_for_timeout(500)
    assert [(v["note"], v["photos"], v["expected_photos"]) for v in visits] == [(note, 2, 2)], "one visit, both photos"
    for tab in (page, other):
        await tab.goto("/outbox")
        await expect(tab.locator("[data-outbox-item]")).to_have_count(0)
    await context.close()
