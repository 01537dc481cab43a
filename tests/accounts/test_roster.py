"""A cadre roster (干部花名册) from Excel: checked first, then imported whole or not at all."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import httpx
from openpyxl import load_workbook

from server.accounts.roster import COLUMNS, SHEET
from server.accounts.tables import User
from server.audit.tables import AuditEvent
from server.spreadsheets import workbook_bytes
from tests.helpers import csrf_token_of, log_in

TEMPORARY = "Linshi#2026a"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def roster_file(client: httpx.AsyncClient, rows: list[list[str]]) -> bytes:
    """The downloaded template with its example row replaced by `rows`."""
    template = await client.get("/admin/users/roster-template.xlsx")
    workbook = load_workbook(BytesIO(template.content))
    sheet = workbook[SHEET]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    return workbook_bytes(workbook)


async def send(client: httpx.AsyncClient, content: bytes, action: str, password: str = TEMPORARY) -> httpx.Response:
    token = csrf_token_of((await client.get("/admin/users/import")).text)
    return await client.post(
        "/admin/users/import",
        data={"_csrf_token": token, "action": action, "password": password},
        files={"roster": ("花名册.xlsx", content, XLSX)},
    )


async def test_the_template_has_the_rosters_headers(client: httpx.AsyncClient, make_user: Any) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    answer = await client.get("/admin/users/roster-template.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content))[SHEET]
    assert [cell.value for cell in sheet[1]] == [header for header, _ in COLUMNS]


async def test_a_correct_roster_is_checked_first_then_imported_whole(
    client: httpx.AsyncClient, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await make_user("cadre", username="wangfang", display_name="另一个王芳")
    await log_in(client, "office")
    content = await roster_file(
        client,
        [
            ["王芳", "13905391234", "", "一般党员干部", "第一书记", "县农业农村局", "双河村"],
            ["赵强", "13905391235", "zhaoq", "领导干部", "乡镇领导", "临涧镇政府", ""],
        ],
    )
    checked = await send(client, content, "check")
    assert checked.status_code == 200
    assert "检查无误" in checked.text
    assert not await User.exists().where(User.display_name == "王芳")

    imported = await send(client, content, "import")
    assert imported.status_code == 303
    wang = await User.select().where(User.username == "wangfang2").first()  # the name's pinyin, numbered
    assert wang["village"] == township["village"]
    assert wang["must_change_password"]
    zhao = await User.select().where(User.username == "zhaoq").first()
    assert zhao["role"] == "leader"
    assert zhao["township"] == township["township"]
    event = await AuditEvent.select().where(AuditEvent.action == "roster_imported").first()
    assert TEMPORARY not in str(event["detail"])


async def test_one_bad_row_means_nothing_is_imported_and_every_problem_is_listed(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    await make_user("admin", username="office")
    await make_user("cadre", username="taken")
    await log_in(client, "office")
    content = await roster_file(
        client,
        [
            ["王芳", "13905391234", "", "一般党员干部", "", "", ""],
            ["李四", "1390539", "", "一般党员干部", "", "", ""],
            ["张三", "13905391236", "", "一般党员干部", "", "", "不存在村"],
            ["王五", "13905391234", "", "一般党员干部", "", "", ""],
            ["赵六", "13905391237", "taken", "领导干部", "", "", ""],
            ["钱七", "13905391238", "", "县长", "", "", ""],
        ],
    )
    answer = await send(client, content, "import")
    assert answer.status_code == 422
    assert "未导入任何数据" in answer.text
    assert "11 位手机号" in answer.text
    assert "不存在村" in answer.text
    assert "与第 2 行相同" in answer.text
    assert "用户名已被使用" in answer.text
    assert "请从列表中选择" in answer.text
    assert await User.count() == 2


async def test_a_weak_temporary_password_is_refused_once_for_the_whole_file(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    content = await roster_file(client, [["王芳", "13905391234", "", "一般党员干部", "", "", ""]])
    answer = await send(client, content, "import", password="12345678")
    assert answer.status_code == 422
    assert answer.text.count("临时密码</td>") == 1
    assert not await User.exists().where(User.display_name == "王芳")


async def test_a_file_that_is_not_a_roster_is_refused(client: httpx.AsyncClient, make_user: Any) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    answer = await send(client, b"not a workbook", "check")
    assert answer.status_code == 422
    assert "无法读取" in answer.text or "Excel" in answer.text
