"""Phone-side photo shrink (static/js/photos.js) on a test page under the app's CSP, scripts from the live server."""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.async_api import Page, Route, expect

from server.media.images import process_image
from server.web.security import CONTENT_SECURITY_POLICY
from tests.browser.conftest import ConsoleErrors, screenshot
from tests.fixtures.make_photos import big_jpeg

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<link rel="stylesheet" href="/static/css/app.css">
<script src="/static/vendor/htmx-2.0.11.min.js" defer></script><script src="/static/js/photos.js" defer></script>
<title>照片测试</title></head><body><main class="app-main">
<form method="post" action="/photo-test/upload" enctype="multipart/form-data" hx-post="/photo-test/upload"
      hx-encoding="multipart/form-data" hx-target="#answer">
  <label for="photos">照片</label><input id="photos" type="file" name="photos" accept="image/*" multiple data-shrink>
  <progress data-upload-progress hidden></progress>
  <button class="btn btn--primary" type="submit">保存</button>
</form><div id="answer"></div></main></body></html>"""


async def open_test_page(page: Page, uploads: list[bytes]) -> None:
    async def serve(route: Route) -> None:
        if route.request.method == "POST":
            uploads.append(route.request.post_data_buffer or b"")
            await route.fulfill(status=200, content_type="text/html", body="<p id=saved>已保存</p>")
        else:
            headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
            await route.fulfill(status=200, content_type="text/html", body=PAGE, headers=headers)

    await page.route("**/photo-test/**", serve)
    await page.goto("/photo-test/page")
    await page.wait_for_function("window.htmx !== undefined")


async def chosen_file(page: Page) -> bytes:
    data_url = await page.evaluate(
        """() => new Promise(resolve => {
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result);
            reader.readAsDataURL(document.querySelector('input[data-shrink]').files[0]);
        })"""
    )
    return base64.b64decode(data_url.split(",", 1)[1])


async def test_a_12_megapixel_photo_is_shrunk_on_the_phone_and_keeps_its_gps(
    phone: tuple[Page, ConsoleErrors], tmp_path: Path
) -> None:
    page, errors = phone
    original = tmp_path / "IMG_20260314_093015.jpg"
    original.write_bytes(big_jpeg())
    await open_test_page(page, [])
    await page.set_input_files("input[data-shrink]", str(original))
    await expect(page.locator("input[data-shrink]")).to_have_attribute("data-shrink-state", "done")
    await expect(page.locator("[data-photo-previews] img")).to_have_count(1)
    shrunk = await chosen_file(page)
    print(f"photo-shrink: original={original.stat().st_size} bytes upload={len(shrunk)} bytes")
    assert len(shrunk) < 600 * 1024
    name = await page.evaluate("document.querySelector('input[data-shrink]').files[0].name")
    assert name == "IMG_20260314_093015.jpg"
    processed = process_image(shrunk)  # what the server makes of the upload
    assert processed.size == (1200, 1600), "the photo is upright (portrait) and not turned twice"
    assert processed.position == (35.3, 117.8)
    assert processed.taken_at is not None
    assert processed.taken_at.year == 2026
    await screenshot(page, "photo-shrink-preview")
    assert errors == []


async def test_an_htmx_form_sent_while_shrinking_waits_and_uploads_the_small_photo_with_progress(
    phone: tuple[Page, ConsoleErrors], tmp_path: Path
) -> None:
    page, errors = phone
    original = tmp_path / "big.jpg"
    original.write_bytes(big_jpeg())
    uploads: list[bytes] = []
    await open_test_page(page, uploads)
    await page.evaluate(
        """() => {
            window.progressSeen = 0;
            document.addEventListener('htmx:xhr:progress', e => {
                window.progressSeen = Math.max(window.progressSeen, e.detail.loaded);
            });
        }"""
    )
    await page.set_input_files("input[data-shrink]", str(original))
    assert await page.evaluate("document.querySelector('form').hasAttribute('data-shrinking')")
    await page.click("button[type=submit]")  # at once, while the photo is still shrinking
    await expect(page.locator("#saved")).to_have_text("已保存")
    assert len(uploads) == 1
    assert b"image/jpeg" in uploads[0]
    assert len(uploads[0]) < 600 * 1024 < original.stat().st_size
    assert await page.evaluate("window.progressSeen") > 0
    await expect(page.locator("progress[data-upload-progress]")).to_be_hidden()
    assert errors == []
