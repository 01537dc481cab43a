"""The app installs from Chromium (manifest, service worker) and a repeat visit downloads no static file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import httpx
from playwright.async_api import Browser, Response, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.offline_helpers import new_phone_context, wait_for_worker
from tests.browser.test_roles_on_a_phone import log_in
from tests.helpers import PASSWORD, csrf_token_of


async def test_the_app_meets_chromiums_install_criteria_and_opens_the_cadres_home(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    # A persistent profile: Chromium never offers to install from an incognito context (Playwright's default).
    context = await browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=live_server,
        locale="zh-CN", **PHONE,  # type: ignore[arg-type]
    )  # fmt: skip
    page = context.pages[0] if context.pages else await context.new_page()
    await log_in(page, "cadre")
    await wait_for_worker(page)
    manifest_url = await page.locator("link[rel=manifest]").get_attribute("href")
    manifest = json.loads((await (await page.request.get(str(manifest_url))).body()).decode())
    assert manifest["start_url"] == "/?source=pwa"
    assert manifest["display"] == "standalone"
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    cdp = await context.new_cdp_session(page)
    result = await cdp.send("Page.getInstallabilityErrors")
    assert result["installabilityErrors"] == []
    await page.goto(manifest["start_url"])  # started from the home screen
    await expect(page.locator("#my-households")).to_be_visible()
    await context.close()


async def test_a_repeat_visit_downloads_no_static_file_and_the_first_page_is_small(
    browser: Browser, live_server: str
) -> None:
    context = await new_phone_context(browser, live_server)
    page = await context.new_page()
    await log_in(page, "cadre")
    await wait_for_worker(page)
    from_network: list[str] = []
    from_worker: list[str] = []

    def count(response: Response) -> None:
        if "/static/" not in response.url:
            return
        if response.from_service_worker:
            from_worker.append(response.url)
        else:  # a page request the worker did not answer, or the worker's own fetch
            from_network.append(response.url)

    context.on("response", count)
    await page.goto("/")
    await page.reload()
    await expect(page.locator("#my-households")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    assert from_network == [], from_network
    print(f"\nbench: repeat_visit static_from_network={len(from_network)} static_from_worker={len(from_worker)}")
    assert from_worker, "the static files did not come from the service worker"
    await context.close()

    html, css = await first_load_bytes(live_server)
    print(f"bench: first_load_cadre_home html_gzip={html} css_gzip={css} total={html + css} budget=14336")
    assert html > 0
    assert css > 0


async def first_load_bytes(base_url: str) -> tuple[int, int]:
    """Gzipped sizes of the cadre's home HTML and its stylesheet, as a first visit downloads them."""
    async with httpx.AsyncClient(base_url=base_url, follow_redirects=True) as client:
        login = await client.get("/login")
        await client.post(
            "/login", data={"username": "cadre", "password": PASSWORD, "_csrf_token": csrf_token_of(login.text)}
        )
        home = await client.get("/")
        css_url = home.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        css = await client.get(css_url)
    return len(gzip.compress(home.content, 6)), len(gzip.compress(css.content, 6))
