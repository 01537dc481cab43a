"""The roster workbook: an admin exports it and registers households from it, all or none."""

from __future__ import annotations

import re
import time
from io import BytesIO
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook, load_workbook

from server.audit.tables import AuditEvent
from server.clock import this_year, today
from server.households import excel
from server.households.tables import Household, Member
from server.web.downloads import XLSX
from tests.helpers import csrf_token_of, log_in
from tests.households.conftest import add_household, new_id

H_HEADERS = [header for header, _ in excel.HOUSEHOLD_COLUMNS]
M_HEADERS = [header for header, _ in excel.MEMBER_COLUMNS]


def household_row(code: str, **cells: Any) -> list[Any]:
    values = {
        "户编号": code,
        "行政村": "双河村",
        "村民小组": "一组",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "因病",
    }
    values |= {"脱贫标志": "未脱贫", "工资性收入": 3000, "饮水安全": "是", **cells}
    return [values.get(header, "") for header in H_HEADERS]


def member_row(code: str, name: str, number: str, relation: str = "户主", **cells: Any) -> list[Any]:
    values = {"户编号": code, "姓名": name, "身份证号": number, "与户主关系": relation, "在校生状况": "非在校生"}
    values |= {"健康状况": "健康", "劳动技能": "普通劳动力", "医疗保险": "是", "养老保险": "否", **cells}
    return [values.get(header, "") for header in M_HEADERS]


def workbook(households: list[list[Any]], members: list[list[Any]], h_headers: list[str] = H_HEADERS) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = excel.HOUSEHOLD_SHEET
    sheet.append(h_headers)
    for row in households:
        sheet.append(row)
    sheet = book.create_sheet(excel.MEMBER_SHEET)
    sheet.append(M_HEADERS)
    for row in members:
        sheet.append(row)
    return book


def content_of(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def clean_book() -> Workbook:
    return workbook(
        [household_row("X-001"), household_row("X-002", 村民小组="")],
        [
            member_row("X-001", "赵一", new_id()),
            member_row("X-001", "钱二", new_id(), "配偶"),
            member_row("X-002", "孙三", new_id()),
        ],
    )


async def upload(client: Any, content: bytes, action: str = "check") -> Any:
    form_page = await client.get("/households/import")
    return await client.post(
        "/households/import",
        data={"_csrf_token": csrf_token_of(form_page.text), "action": action},
        files={
            "roster": (
                "roster.xlsx",
                content,
                XLSX,
            )
        },
    )


async def as_admin(client: Any, make_user: Any) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")


async def test_a_clean_file_is_checked_first_and_nothing_is_written(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    response = await upload(client, content_of(clean_book()))
    assert response.status_code == 200
    assert "2 户，3 人" in response.text
    assert 'value="import"' in response.text
    assert not await Household.exists().where(Household.code.is_in(["X-001", "X-002"]))


async def test_the_import_creates_every_household_and_member_with_history(
    client: Any, make_user: Any, register: Any
) -> None:
    await as_admin(client, make_user)
    response = await upload(client, content_of(clean_book()), action="import")
    assert response.status_code == 303
    households = await Household.select().where(Household.code.is_in(["X-001", "X-002"])).order_by(Household.code)
    assert [h["group"] for h in households] == [register["group"], None]
    assert households[0]["main_cause"] == "illness"
    assert households[0]["attribute"] == "general"
    # the incomes are a year's: without one the household page showed an income of no year, the statistics none
    assert [h["income_year"] for h in households] == [this_year() - 1] * 2
    members = await Member.select().where(Member.household.is_in([h["id"] for h in households]))
    assert sorted((m["name"], m["relation"]) for m in members) == [
        ("孙三", "head"),
        ("赵一", "head"),
        ("钱二", "spouse"),
    ]
    created = await AuditEvent.count().where(AuditEvent.action == "household_created")
    assert created == 2
    assert await AuditEvent.exists().where(AuditEvent.action == "households_imported")


async def test_every_bad_row_is_reported_and_nothing_imported(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    number = new_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    twice = new_id()
    book = workbook(
        [
            household_row("X-001"),
            household_row("X-002", 工资性收入=-5),
            household_row("H-0001"),
            household_row("X-003", 行政村="不存在村"),
        ],
        [
            member_row("X-001", "赵一", wrong),
            member_row("X-001", "钱二", twice, "户主"),
            member_row("X-002", "孙三", twice),
            member_row("X-003", "李五", register["zhang"]["members"][0]["id_number"]),
        ],
    )
    response = await upload(client, content_of(book), action="import")
    assert response.status_code == 422
    text = response.text
    assert (
        '<tr><td class="nowrap">成员信息</td><td class="num">2</td><td class="nowrap">身份证号</td>'
        "<td>身份证号码校验位不正确，请核对。</td></tr>" in text
    )
    assert '<td class="num">4</td><td class="nowrap">身份证号</td>' in text  # the same ID number as row 3
    assert '<td class="num">3</td><td class="nowrap">与户主关系</td>' in text  # a second head
    assert '<td class="num">3</td><td class="nowrap">工资性收入</td>' in text  # negative income
    assert '<td class="num">4</td><td class="nowrap">户编号</td>' in text  # H-0001 already exists
    assert '<td class="num">5</td><td class="nowrap">行政村</td>' in text
    assert "该身份证号已登记在户 H-0001（户主：张*" in text  # the household holding the ID number, head masked
    kinds = text.split('id="problem-kinds"', 1)[1].split("</ul>", 1)[0]  # each kind once, with how often
    assert "<li" in kinds
    assert kinds.count("<li") == len(set(re.findall(r"<td>([^<]*)</td></tr>", text)))
    assert "导入只新增户" in text
    assert await Household.count().where(Household.code.like("X-%")) == 0


async def test_a_second_head_and_a_negative_income_are_named_by_row(make_user: Any, register: Any) -> None:
    from server.households.excel_import import check_roster

    sheets = excel.Sheets(
        households=[
            (
                2,
                dict(
                    zip(
                        [n for _, n in excel.HOUSEHOLD_COLUMNS],
                        [str(v) for v in household_row("X-009", 工资性收入=-1)],
                        strict=True,
                    )
                ),
            )
        ],
        members=[
            (2, dict(zip([n for _, n in excel.MEMBER_COLUMNS], member_row("X-009", "甲", new_id()), strict=True))),
            (3, dict(zip([n for _, n in excel.MEMBER_COLUMNS], member_row("X-009", "乙", new_id()), strict=True))),
        ],
    )
    user = await _admin_user(make_user)
    plan = await check_roster(user, sheets)
    found = {(p.sheet, p.row, p.column) for p in plan.problems}
    assert ("户信息", 2, "工资性收入") in found
    assert ("成员信息", 3, "与户主关系") in found


async def _admin_user(make_user: Any) -> Any:
    from server.accounts.roles import Role
    from server.accounts.sessions import CurrentUser

    user_id = await make_user("admin", username="checker")
    township = (await Household.select(Household.village.township).first() or {}).get("village.township")
    return CurrentUser(user_id, "checker", "测试", Role.ADMIN, township, None, None, "zh_CN", "")


async def test_a_wrong_header_is_refused_naming_the_column(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    headers = [*H_HEADERS]
    headers[3] = "村"
    response = await upload(client, content_of(workbook([household_row("X-001")], [], headers)))
    assert response.status_code == 422
    assert "行政村" in response.text
    assert "4" in response.text


async def test_merged_cells_are_refused(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    book = clean_book()
    book[excel.HOUSEHOLD_SHEET].merge_cells("A2:A3")
    response = await upload(client, content_of(book))
    assert response.status_code == 422
    assert "A2:A3" in response.text


async def test_a_formula_is_refused(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    book = clean_book()
    book[excel.MEMBER_SHEET]["K2"] = "=1+1"
    response = await upload(client, content_of(book))
    assert response.status_code == 422
    assert "K2" in response.text


async def test_more_than_ten_thousand_rows_are_refused(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    rows = [household_row(f"X-{n:05d}") for n in range(excel.MAX_ROWS + 1)]
    response = await upload(client, content_of(workbook(rows, [])))
    assert response.status_code == 422
    assert "10,000" in response.text


async def test_a_file_that_is_not_xlsx_is_refused(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    response = await upload(client, b"name,id\n")
    assert response.status_code == 422


async def test_people_other_than_the_admin_cannot_export_or_import(client: Any, make_user: Any, register: Any) -> None:
    await make_user("cadre", username="cadre1")
    await log_in(client, "cadre1")
    assert (await client.get("/households/export.xlsx")).status_code in (403, 404)
    assert (await client.get("/households/import")).status_code in (403, 404)


async def test_the_export_is_audited_formula_safe_and_round_trips(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    await add_household(register["village"], "=HYPERLINK(1)", "H-0003")
    response = await client.get("/households/export.xlsx")
    assert response.status_code == 200
    named = quote(f"帮扶户花名册-{today().isoformat()}.xlsx")  # households.xlsx, every week the same name
    assert f"filename*=UTF-8''{named}" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    households = list(book[excel.HOUSEHOLD_SHEET].iter_rows(values_only=True))
    assert list(households[0]) == H_HEADERS
    zhang = next(row for row in households if row[0] == "H-0001")
    assert zhang[7] == 2
    assert zhang[31] == 4000
    assert zhang[6] == register["zhang"]["members"][0]["id_number"]
    members = list(book[excel.MEMBER_SHEET].iter_rows(values_only=True))
    assert all(not str(cell).startswith("=") for row in households + members for cell in row if cell is not None)
    assert await AuditEvent.exists().where((AuditEvent.action == "export") & (AuditEvent.target_type == "households"))
    # export → import: the same households and people come back
    await Member.delete().where(Member.id > 0)
    await Household.delete().where(Household.id > 0)
    response = await upload(client, response.content, action="import")
    assert response.status_code == 303
    back = await Member.select(Member.name, Member.id_number, Member.household.code).order_by(Member.id_number)
    assert len(back) == 4
    assert {row["name"] for row in back} == {"张三", "王芳", "李四", "'=HYPERLINK(1)"}
    zhang = await Household.select().where(Household.code == "H-0001").first()
    assert zhang is not None
    assert zhang["group"] == register["group"]
    assert zhang["wage_income"] == 6000


async def test_export_time_of_2500_households_is_printed(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    for start in range(0, 2500, 500):
        await Household.insert(
            *[Household(code=f"B-{n:05d}", village=register["village"]) for n in range(start, start + 500)]
        )
    ids = [row["id"] for row in await Household.select(Household.id).where(Household.code.like("B-%"))]
    for start in range(0, len(ids), 500):
        await Member.insert(
            *[Member(household=i, name="某", id_number=new_id(), relation="head") for i in ids[start : start + 500]]
        )
    start = time.perf_counter()
    response = await client.get("/households/export.xlsx")
    print(f"\nexport of {2502} households: {time.perf_counter() - start:.2f} s, {len(response.content)} bytes")
    assert response.status_code == 200
