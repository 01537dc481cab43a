from tests.browser.conftest import DESK, PHONE, SCREENSHOTS
from tests.browser.test_roles_on_a_phone import log_in

PAGES = {"admin": ["/households", "/households/new", "/pairings/assistant", "/households/import"], "leader": ["/coverage", "/coverage/overdue", "/visits/overdue", "/"], "cadre": ["/", "/visits", "/me"]}

async def test_shots(browser, live_server):
    for size, opts in (("p", PHONE), ("d", DESK)):
        for user, paths in PAGES.items():
            context = await browser.new_context(base_url=live_server, locale="zh-CN", **opts)
            page = await context.new_page()
            await log_in(page, user)
            await page.wait_for_load_state("networkidle")
            for path in paths:
                await page.goto(path)
                await page.wait_for_timeout(300)
                await page.screenshot(path=str(SCREENSHOTS / f"zz-{size}-{user}-{path.strip('/').replace('/', '_') or 'home'}.png"), caret="initial")
            await context.close()
