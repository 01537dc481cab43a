"""Browser fixtures: the real server in its own process on a demo database, and Debian's chromium at phone size."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from server.settings import ROOT
from tests.browser.accessibility import AXE
from tests.conftest import Demo, drop_database, migrated_copy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}  # an office PC
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bangfu(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Until /healthz answers: the server and its worker each import the app first (seconds on a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become healthy in time")


@pytest.fixture(scope="session")
async def live_database_url(demo_template: Demo) -> AsyncIterator[str]:
    """The live server's database: a copy of the run's demo township, as `make run` loads it (tests may read what
    the browser stored)."""
    url = await migrated_copy(demo_template.url, "bangfu_browser")
    try:
        yield url
    finally:
        await drop_database(url)


@pytest.fixture(scope="session")
async def live_server(live_database_url: str) -> AsyncIterator[str]:
    """`bangfu serve` on a fresh database with the demo data, as `make run` would start it."""
    env = {**os.environ, "DATABASE_URL": live_database_url}
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


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Chromium, whose every context (however a test makes it) is watched by axe-core (see accessibility.py)."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context, persistent = chromium.new_context, playwright.chromium.launch_persistent_context

        async def watched_context(**kwargs: Any) -> BrowserContext:
            return AXE.watch(await new_context(**kwargs))

        async def watched_persistent(*args: Any, **kwargs: Any) -> BrowserContext:
            return AXE.watch(await persistent(*args, **kwargs))

        chromium.new_context = watched_context  # type: ignore[method-assign,assignment]
        playwright.chromium.launch_persistent_context = watched_persistent  # type: ignore[method-assign]
        yield chromium
        await chromium.close()


@pytest.fixture(autouse=True)
async def accessible_pages() -> AsyncIterator[None]:
    """Fails a browser test whose pages break a WCAG 2 A/AA rule that axe-core checks, at phone or desk width."""
    AXE.violations.clear()
    yield
    await AXE.settle()
    assert AXE.violations == [], "axe-core found accessibility violations:\n" + "\n".join(AXE.violations)


class ConsoleErrors(list[str]):
    """Errors the page logged (CSP violations show up here)."""


@pytest.fixture
async def phone(browser: Browser, live_server: str) -> AsyncIterator[tuple[Page, ConsoleErrors]]:
    """A phone-sized page whose console errors are collected."""
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    page = await context.new_page()
    errors = ConsoleErrors()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, errors
    await context.close()


@pytest.fixture
async def desk(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    """An office PC's browser window (1280×800)."""
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **DESK)
    yield await context.new_page()
    await context.close()


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # caret="initial": Playwright would otherwise hide the caret by writing inline styles, which our CSP
    # blocks and reports as a console error that tests would take for the page's own.
    await page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _browser_is_installed() -> Iterator[None]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser-deps`")
    return
