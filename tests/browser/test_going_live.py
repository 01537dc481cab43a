"""Going live, in the browser, from an empty database and `bangfu setup`: the county office adds a township and its
admin; the admin adds a village and its group, a cadre by hand and two by roster, households by Excel, pairs them;
the cadre records the first visit. Nothing of the demo is there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, expect

from server.accounts.roster import SHEET
from server.settings import ROOT
from server.spreadsheets import workbook_bytes
from tests.browser.conftest import DESK, PHONE, bangfu, free_port, screenshot, wait_until_healthy
from tests.browser.test_roles_on_a_phone import log_in
from tests.conftest import drop_database, migrated_copy
from tests.households.conftest import new_id
from tests.households.test_excel import content_of, household_row, member_row, workbook

PINGYI = (
    "--province-code", "370000000000", "--province", "山东省",
    "--city-code", "371300000000", "--city", "临沂市",
    "--county-code", "371326000000", "--county", "平邑县",
)  # fmt: skip
COUNTY_PASSWORD = "Pingyi#2026x"
TEMPORARY = "Linshi#2026a"
OWN = "Ziji#2026bb"


@pytest.fixture(scope="module")
async def empty_server(migrated_template: str) -> AsyncIterator[str]:
    """`bangfu serve` on a database that only went through `bangfu migrate` (a copy of the run's migrated template)
    and `bangfu setup`."""
    url = await migrated_copy(migrated_template, "bangfu_golive")
    env = {**os.environ, "DATABASE_URL": url}
    bangfu(env, "setup", *PINGYI, "--username", "xianban", "--display-name", "李县办", "--password", COUNTY_PASSWORD)
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
        await drop_database(url)


async def choose_own_password(page: Page, temporary: str = TEMPORARY) -> None:
    """The first login with a temporary password leads to the password page, and nowhere else."""
    await page.goto("/households")
    await expect(page).to_have_url(re.compile(r"/me/password$"))
    await page.fill("input[name=current_password]", temporary)
    await page.fill("input[name=new_password]", OWN)
    await page.fill("input[name=confirm_password]", OWN)
    await page.click("form[action='/me/password'] button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("密码已修改")


async def fill_account(page: Page, username: str, name: str, role: str, **fields: str) -> None:
    await page.fill("input[name=username]", username)
    await page.fill("input[name=display_name]", name)
    await page.select_option("select[name=role]", role)
    for select in ("township", "village"):
        if select in fields:
            await page.select_option(f"select[name={select}]", label=fields.pop(select))
    for name_, value in fields.items():
        await page.fill(f"input[name={name_}]", value)
    await page.fill("input[name=password]", TEMPORARY)
    await page.click("form[action$='/users/'] button[type=submit]")


async def county_office_adds_the_township_and_its_admin(page: Page) -> None:
    await log_in(page, "xianban", COUNTY_PASSWORD)
    await page.click("#county-settings a[href='/county/places']")
    await page.fill("#add-township input[name=name]", "临涧镇")
    await page.fill("#add-township input[name=code]", "371326105")  # the old short code: refused
    await page.click("#add-township button[type=submit]")
    await expect(page.locator("#e-code")).to_contain_text("12 位")
    await page.fill("#add-township input[name=code]", "371326105000")
    await page.click("#add-township button[type=submit]")
    await expect(page.locator("#townships")).to_contain_text("371326105000")
    await screenshot(page, "going-live-county-townships-desk")
    await page.goto("/county/users/new")
    await fill_account(page, "linjian", "张建华", "admin", township="临涧镇", title="镇扶贫办主任")
    await expect(page.locator("#accounts")).to_contain_text("张建华")
    await expect(page.locator("#accounts")).to_contain_text("临时密码")
    await screenshot(page, "going-live-county-accounts-desk")


async def admin_adds_a_village_and_its_group(page: Page) -> None:
    await page.goto("/places")
    await page.click("#add-village")
    await page.fill("input[name=name]", "双河村")
    await page.fill("input[name=code]", "371326105001")
    await page.select_option("select[name=key_level]", "provincial")
    await page.check("input[name=has_work_team]")
    await page.fill("input[name=population]", "900")
    await page.click("form[action='/places/villages'] button[type=submit]")
    await expect(page.locator(".flash--success")).to_contain_text("行政村已添加")
    await page.fill("form[action$='/groups'] input[name=name]", "一组")
    await page.click("form[action$='/groups'] button[type=submit]")
    await expect(page.locator("#groups input[name=name]")).to_have_value("一组")


async def admin_adds_cadres_by_hand_and_by_roster(page: Page, tmp_path: Path) -> None:
    await page.goto("/admin/users/new")
    await fill_account(page, "wangfang", "王芳", "cadre", village="双河村", title="第一书记", unit="县农业农村局",
                       phone="13905391234")  # fmt: skip
    await expect(page.locator("#accounts")).to_contain_text("王芳")
    await page.goto("/admin/users/import")
    async with page.expect_download() as download:
        await page.click("#roster-template")
    template = load_workbook(BytesIO(Path(await (await download.value).path()).read_bytes()))
    sheet = template[SHEET]
    sheet.delete_rows(2)
    sheet.append(["赵强", "13905391235", "", "领导干部", "乡镇领导", "临涧镇政府", ""])
    sheet.append(["钱红", "13905391236", "", "一般党员干部", "驻村工作队员", "县医院", "双河村"])
    roster = tmp_path / "花名册.xlsx"
    roster.write_bytes(workbook_bytes(template))
    for action in ("check", "import"):
        await page.set_input_files("input[name=roster]", str(roster))
        await page.fill("input[name=password]", TEMPORARY)
        await page.click(f"button[value={action}]")
        if action == "check":
            await expect(page.locator("#roster-checked")).to_contain_text("2 个账号")
    await expect(page.locator("#accounts")).to_contain_text("钱红")
    await screenshot(page, "going-live-admin-accounts-desk")
    await page.locator("#accounts a.name", has_text="王芳").click()
    await expect(page.locator("#reset-password")).to_be_visible()
    await screenshot(page, "going-live-admin-account-page-desk")


async def admin_imports_households_and_pairs_one(page: Page, tmp_path: Path) -> None:
    code = "371326105001-0001"
    book = workbook([household_row(code)], [member_row(code, "孙大山", new_id())])
    households = tmp_path / "户信息.xlsx"
    households.write_bytes(content_of(book))
    await page.goto("/households/import")
    for action in ("check", "import"):
        await page.set_input_files("input[name=roster]", str(households))
        await page.click(f"button[value={action}]")
        if action == "check":
            await expect(page.locator(".flash--success")).to_contain_text("检查无误")
    await expect(page.locator(".flash--success")).to_contain_text("已导入")
    await page.goto("/households?q=孙大山")
    href = await page.locator("a.name", has_text="孙大山").first.get_attribute("href")
    assert href is not None
    await page.goto("/pairings" + href)
    await page.select_option("#pair-form select[name=cadre]", label=await cadre_option(page, "王芳"))
    await page.fill("#pair-form input[name=reason]", "年度结对安排")
    await page.click("#pair-form button[type=submit]")
    await expect(page.locator(".flash--success")).to_be_visible()


async def cadre_option(page: Page, name: str) -> str:
    labels = await page.locator("#pair-form select[name=cadre] option").all_inner_texts()
    return next(label for label in labels if label.startswith(name))


async def test_a_county_goes_live_from_an_empty_database(browser: Browser, empty_server: str, tmp_path: Path) -> None:
    desk_context = await browser.new_context(base_url=empty_server, locale="zh-CN", **DESK)  # type: ignore[arg-type]
    office = await desk_context.new_page()
    await log_in(office, "admin", "Bangfu@2026")  # the demo's admin does not exist in a real deployment
    await expect(office.locator(".flash--error")).to_contain_text("用户名或密码错误")
    await county_office_adds_the_township_and_its_admin(office)
    await desk_context.clear_cookies()

    await log_in(office, "linjian", TEMPORARY)
    await choose_own_password(office)
    await admin_adds_a_village_and_its_group(office)
    await admin_adds_cadres_by_hand_and_by_roster(office, tmp_path)
    await admin_imports_households_and_pairs_one(office, tmp_path)

    phone_context = await browser.new_context(base_url=empty_server, locale="zh-CN", **PHONE)  # type: ignore[arg-type]
    cadre = await phone_context.new_page()
    await log_in(cadre, "13905391234", TEMPORARY)  # the phone number logs in too
    await choose_own_password(cadre)
    await cadre.goto("/")
    await expect(cadre.locator("#my-households")).to_contain_text("孙大山")
    await cadre.locator("#my-households a.btn", has_text="记录走访").first.click()
    await cadre.fill("textarea[name=note]", "第一次走访：了解家庭情况")
    await cadre.click("form[data-visit-form] button[type=submit]")
    await expect(cadre.locator(".flash--success")).to_contain_text("走访已保存")
    await screenshot(cadre, "going-live-first-visit-phone")

    await log_in(cadre, "linjian", OWN)  # the admin's pages at phone width
    for path, name in (("/admin/users", "accounts"), ("/admin/users/new", "new-account"), ("/places", "villages")):
        await cadre.goto(path)
        width = await cadre.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{path} scrolls sideways on a phone"
        await screenshot(cadre, f"going-live-admin-{name}-phone")
    await log_in(cadre, "xianban", COUNTY_PASSWORD)  # the county office's townships at phone width
    await cadre.goto("/county/places")
    await expect(cadre.locator("#townships")).to_contain_text("371326105000")
    assert await cadre.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    await screenshot(cadre, "going-live-county-townships-phone")
    await phone_context.close()
    await desk_context.close()
