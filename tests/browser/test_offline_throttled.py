"""20 queued visits with 2 photos each all reach the server over a slow connection (750 kbit/s up, 150 ms latency)."""

from __future__ import annotations

import base64
import time
import uuid
from datetime import datetime

from playwright.async_api import Browser

from server.clock import TIMEZONE
from tests.browser.offline_helpers import cadre_ready_offline, new_phone_context, stored_visits
from tests.visits.conftest import FIXTURES

VISITS = 20
KBIT = 1000 / 8  # bytes per second in one kbit/s

# Puts visits into the outbox exactly as offline.js does when a form is saved without signal.
FILL_QUEUE = """async ({ items, photos }) => {
  const db = await new Promise((ok, fail) => {
    const req = indexedDB.open("bangfu", 1);
    req.onsuccess = () => ok(req.result); req.onerror = () => fail(req.error);
  });
  const blobs = photos.map(p => new Blob([Uint8Array.from(atob(p.data), c => c.charCodeAt(0))], { type: p.type }));
  await new Promise((ok, fail) => {
    const t = db.transaction(["visits", "photos"], "readwrite");
    for (const item of items) {
      t.objectStore("visits").put(item);
      blobs.forEach((blob, index) => t.objectStore("photos").put(
        { client_id: item.client_id, index, blob, name: photos[index].name, type: blob.type }));
    }
    t.oncomplete = ok; t.onerror = () => fail(t.error);
  });
}"""


async def test_twenty_queued_visits_with_two_photos_each_all_arrive_over_a_throttled_connection(
    browser: Browser, live_server: str, live_database_url: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    [form] = await cadre_ready_offline(page, forms=1)
    await page.goto("/outbox")
    now = datetime.now(TIMEZONE).strftime("%Y-%m-%dT%H:%M")
    run = uuid.uuid4().hex[:8]
    notes = [f"限速 {run} 第{i + 1}次" for i in range(VISITS)]
    items = [
        {"client_id": str(uuid.uuid4()), "action": form.removesuffix("/new"), "household": "限速测试",
         "fields": [["kind", "home"], ["note", note], ["visited_at", now]], "photo_count": 2, "visit_id": None,
         "status": "waiting", "reason": "", "conflict": False, "attempts": 0, "created_at": i, "updated_at": i}
        for i, note in enumerate(notes)
    ]  # fmt: skip
    photos = [
        {"name": name, "type": kind, "data": base64.b64encode((FIXTURES / name).read_bytes()).decode()}
        for name, kind in (("rotated_gps.jpg", "image/jpeg"), ("photo.png", "image/png"))
    ]
    await page.evaluate(FILL_QUEUE, {"items": items, "photos": photos})
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "uploadThroughput": 750 * KBIT, "downloadThroughput": 1500 * KBIT},
    )
    started = time.monotonic()
    await page.evaluate("window.bangfuOutbox.sync()")
    await page.wait_for_function("window.bangfuOutbox.count().then(n => n === 0)", polling=500, timeout=120_000)
    seconds = time.monotonic() - started
    visits = await stored_visits(live_database_url, notes)
    assert len(visits) == VISITS
    assert all((v["photos"], v["expected_photos"]) == (2, 2) for v in visits)
    upload = VISITS * sum(len(base64.b64decode(p["data"])) for p in photos)
    print(f"\nbench: offline_sync_throttled visits={VISITS} photos={VISITS * 2} photo_bytes={upload} s={seconds:.1f}")
    await context.close()
