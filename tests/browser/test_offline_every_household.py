"""Offline means every household: after one online login a cadre records a visit for any paired household with the
network really cut, reads its page and last visits, always finds the way back, and logging out clears it all."""

from __future__ import annotations

import asyncio
import re
import uuid

from playwright.async_api import Browser, expect

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import kept_urls, new_phone_context, record_offline, stored_visits, wait_for_worker
from tests.browser.test_roles_on_a_phone import log_in
from tests.visits.conftest import FIXTURES


async def test_every_paired_household_works_offline_after_one_login_and_logout_clears_it(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await log_in(page, "cadre")
    await expect(page.locator("#my-households")).to_be_visible()
    await wait_for_worker(page)
    await page.reload()  # the one online visit of the home, now through the worker
    forms = [str(await a.get_attribute("href")) for a in await page.locator("#my-households a.btn--primary").all()]
    households = [form.rsplit("/visits/new", 1)[0] for form in forms]
    assert len(forms) >= 3
    plan = await page.evaluate("fetch('/outbox/pages').then((answer) => answer.json())")
    # and the households the cadre's follow-ups due take them to, paired with someone else (易红霞 in the demo)
    others = [
        path for path in plan["pages"] if path.endswith("/timeline") and path[: -len("/timeline")] not in households
    ]
    assert others, "the demo cadre has a follow-up due at a household paired with someone else"
    wanted = ["/", "/outbox", "/follow-ups", "/visits", *forms, *households,
              *(h + "/timeline" for h in households), *others]  # fmt: skip
    for _ in range(120):  # the worker fetches them one by one after the login
        if set(wanted) <= set(await kept_urls(page)):
            break
        await page.wait_for_timeout(500)
    assert set(wanted) <= set(await kept_urls(page)), "not every household's pages were kept"

    await context.set_offline(True)  # the network is really cut for this browser context
    last = households[-1]  # a household whose form, page and timeline the cadre never opened
    await page.goto(last)
    await expect(page.locator("main[data-kept-copy]")).to_be_visible()
    await page.goto(last + "/timeline")
    await expect(page.locator("main[data-kept-copy] .page-title")).to_be_visible()
    note = f"离线任一户 {uuid.uuid4().hex[:8]}"
    await record_offline(page, forms[-1], note, [str(FIXTURES / "photo.png")])
    summary = page.locator("[data-kept-summary]")
    await expect(summary).to_be_visible()
    await expect(summary).to_contain_text(re.compile(rf"{len(forms) + len(others)} 户.*MB.*8\.0 MB"))
    await expect(summary).to_contain_text(re.compile(r"更新于 \d{4}-\d\d-\d\d \d\d:\d\d"))  # as the pages write times
    await page.goto(others[0])  # the follow-up's household the home sends the cadre to, never opened
    await expect(page.locator("main[data-kept-copy] .page-title")).to_be_visible()
    await page.goto("/follow-ups?days=0")
    await expect(page.locator("main[data-kept-copy]")).to_be_visible()
    await screenshot(page, "offline-every-household-outbox")

    await page.goto("/visits/ledger/monthly")  # never kept: the offline page, with the way back
    await expect(page.locator("main")).to_contain_text("没有网络")
    await screenshot(page, "offline-page-way-back")
    await page.click("main a:has-text('待上传')")
    await expect(page.locator("[data-outbox-item]").filter(has_text=note)).to_be_visible()
    await page.goto("/visits/ledger/monthly")
    await page.click("main a:has-text('我的帮扶户')")
    await expect(page.locator("#my-households")).to_be_visible()

    await context.set_offline(False)
    await expect(page.locator("[data-outbox-link]")).to_be_hidden(timeout=20000)
    for _ in range(100):  # the queue empties as the visit goes out; its photo follows it in a second request
        arrived = [(v["note"], v["photos"]) for v in await stored_visits(live_database_url, [note])]
        if arrived == [(note, 1)]:
            break
        await asyncio.sleep(0.2)
    assert arrived == [(note, 1)]

    await page.goto("/me")
    await page.click("form[data-logout] button")
    await expect(page).to_have_url(re.compile(r"/login"))
    await page.wait_for_function(
        "caches.keys().then(names => !names.some(n => n.startsWith('bangfu-data-')))", timeout=10000
    )
    assert await kept_urls(page) == []
    assert errors == []
    await context.close()


async def test_the_login_page_says_queued_visits_are_safe_when_the_session_ended(
    browser: Browser, live_server: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    await page.goto("/login?next=/outbox")
    note = page.locator("[data-queued-note]")
    await expect(note).to_be_visible()
    await expect(note).to_contain_text("手机上待上传的走访记录已妥善保存")
    await screenshot(page, "login-queued-visits-safe")
    await page.goto("/login")
    await expect(note).to_be_hidden()
    await context.close()
