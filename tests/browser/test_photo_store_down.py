"""On a phone: a visit sent while the photo store is stopped is not lost; it waits in the outbox and goes later.

The outbox sends a visit's text first and each photo after it: while the store is stopped the server may hold the
visit as "photos still to come" (never a visit that claims to be complete), and the phone keeps the photo.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from server.settings import ROOT, S3Settings
from tests.browser.conftest import free_port, screenshot, wait_until_healthy
from tests.browser.offline_helpers import new_phone_context, stored_visits
from tests.browser.test_roles_on_a_phone import log_in
from tests.services import SeaweedFS, s3_environment
from tests.visits.conftest import FIXTURES

PHOTO = str(FIXTURES / "rotated_gps.jpg")


@pytest.fixture(scope="session")
async def object_store_server(live_server: str, live_database_url: str, object_store: S3Settings) -> AsyncIterator[str]:
    """A second app host on the live database whose photos go to the session's object store."""
    photos = dataclasses.replace(object_store, prefix=object_store.prefix + "browser/", timeout=2.0)
    env = {**os.environ, "DATABASE_URL": live_database_url, **s3_environment(photos)}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=20)


async def test_a_visit_saved_while_the_photo_store_is_stopped_waits_in_the_outbox_and_is_sent_later(
    browser: Browser, object_store_server: str, live_database_url: str, seaweedfs: SeaweedFS | None
) -> None:
    if seaweedfs is None:
        pytest.skip("stops the session's own SeaweedFS (an outside store is not ours to stop)")
    context = await new_phone_context(browser, object_store_server)
    page = await context.new_page()
    await log_in(page, "cadre")
    await page.goto(str(await page.locator("#my-households a.btn--primary").first.get_attribute("href")))
    note = f"照片存储停了 {uuid.uuid4().hex[:6]}"
    await page.set_input_files("input[name=photos]", [PHOTO])
    await expect(page.locator("input[name=photos]")).to_have_attribute("data-shrink-state", "done")
    await page.fill("textarea[name=note]", note)
    item = page.locator("[data-outbox-item]").filter(has_text=note)
    seaweedfs.pause()
    try:
        await page.click("form[data-visit-form] button[type=submit]")
        await expect(page).to_have_url(re.compile(r"/outbox$"), timeout=30000)
        await expect(item).to_have_attribute("data-status", "waiting", timeout=30000)
        await screenshot(page, "photo-store-down-outbox")
        waiting = [
            (visit["photos"], visit["expected_photos"]) for visit in await stored_visits(live_database_url, [note])
        ]
        assert waiting in ([], [(0, 1)]), "no photo stored, and the visit (if there) still waits for it"
    finally:
        seaweedfs.resume()
    await page.click("[data-outbox-sync]")
    await expect(item).to_be_hidden(timeout=30000)
    visits = await stored_visits(live_database_url, [note])
    assert [(visit["note"], visit["photos"]) for visit in visits] == [(note, 1)]
    await context.close()
