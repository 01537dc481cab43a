"""The household roster as .xlsx in the national system's column order: export, and reading an uploaded roster."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from server import codes
from server.households import id_numbers
from server.households.income import net_income, per_capita_net_income
from server.households.register import in_register
from server.households.tables import Household, Member
from server.i18n import N_
from server.scope import township_villages
from server.spreadsheets import SheetRejected, open_upload, read_rows, safe_cell

RosterRejected = SheetRejected  # the name the household import uses

HOUSEHOLD_SHEET = "户信息"
MEMBER_SHEET = "成员信息"
MAX_ROWS = 10_000  # data rows per sheet
MAX_BYTES = 10 * 1024 * 1024
YES, NO = "是", "否"
Row = dict[str, Any]

# (header, field): the national system's order (DOMAIN.md §3). Fields starting with "=" are computed or read elsewhere.
HOUSEHOLD_COLUMNS: list[tuple[str, str]] = [
    ("户编号", "code"),
    ("县", "=county"),
    ("乡镇", "=township"),
    ("行政村", "village"),
    ("村民小组", "group"),
    ("户主姓名", "=head_name"),
    ("户主身份证号", "=head_id"),
    ("家庭人口数", "=size"),
    ("联系电话", "phone"),
    ("贫困户属性", "attribute"),
    ("主要致贫原因", "main_cause"),
    ("其他致贫原因", "secondary_causes"),
    ("脱贫标志", "status"),
    ("识别年度", "identified_year"),
    ("监测对象类型", "monitoring_type"),
    ("住房面积", "housing_area"),
    ("住房结构", "housing_structure"),
    ("危房等级", "dilapidated_grade"),
    ("饮水安全", "safe_water"),
    ("耕地", "cultivated_mu"),
    ("有效灌溉", "irrigated_mu"),
    ("林地", "forest_mu"),
    ("果园", "orchard_mu"),
    ("水面", "water_surface_mu"),
    ("牧草地", "pasture_mu"),
    ("工资性收入", "wage_income"),
    ("生产经营性收入", "business_income"),
    ("财产性收入", "property_income"),
    ("转移性收入", "transfer_income"),
    ("生产经营支出", "production_cost"),
    ("家庭纯收入", "=net_income"),
    ("人均纯收入", "=per_capita"),
]
MEMBER_COLUMNS: list[tuple[str, str]] = [
    ("户编号", "household_code"),
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("性别", "=sex"),
    ("与户主关系", "relation"),
    ("民族", "ethnicity"),
    ("文化程度", "education"),
    ("在校生状况", "schooling"),
    ("健康状况", "health"),
    ("劳动技能", "labour_skill"),
    ("务工时间(月)", "months_away"),
    ("医疗保险", "medical_insurance"),
    ("养老保险", "pension_insurance"),
    ("联系电话", "phone"),
]
BOOLEANS = ("safe_water", "medical_insurance", "pension_insurance")
SEX = {"M": "男", "F": "女"}


# ---- export ----


async def roster(township_id: int | None, only: list[int] | None = None) -> tuple[list[Row], list[Row]]:
    """The township's households (with place names) and members, or only the households `only` names: two queries."""
    chosen = (
        Household.id.is_in(only or [-1])
        if only is not None
        else Household.village.is_in(township_villages(township_id))
    )
    households = (
        await Household.select(
            *Household.all_columns(exclude=[Household.bank_name, Household.bank_account]),
            Household.village.name.as_alias("village_name"),
            Household.group.name.as_alias("group_name"),
            Household.village._.township._.name.as_alias("township_name"),
            Household.village._.township._.county._.name.as_alias("county_name"),
        )
        .where(Household.village.is_in(township_villages(township_id)) & in_register() & chosen)
        .order_by(Household.code)
    )
    members = (
        await Member.select(*Member.all_columns(), Member.household.code.as_alias("household_code"))
        .where(
            Member.household.village.is_in(township_villages(township_id))
            & (Member.household.is_in(only or [-1]) if only is not None else Member.household.village.is_not_null())
        )
        .order_by(Member.household.code)
        .order_by(Member.id)
    )
    registered = {household["code"] for household in households}
    return households, [member for member in members if member["household_code"] in registered]


def _household_cells(household: Row, people: list[Row]) -> list[Any]:
    head = next((person for person in people if person["relation"] == "head"), None)
    computed = {
        "=county": household["county_name"],
        "=township": household["township_name"],
        "=head_name": head["name"] if head else "",
        "=head_id": head["id_number"] if head else "",
        "=size": len(people),
        "=net_income": net_income(household),
        "=per_capita": per_capita_net_income(household, len(people)),
        "village": household["village_name"],
        "group": household["group_name"] or "",
        "secondary_causes": "、".join(codes.POVERTY_CAUSE.label(code) for code in household["secondary_causes"] or []),
    }
    return [_cell(name, computed[name] if name in computed else household[name]) for _, name in HOUSEHOLD_COLUMNS]


def _member_cells(member: Row) -> list[Any]:
    computed = {"=sex": SEX[id_numbers.sex(member["id_number"])]}
    return [_cell(name, computed[name] if name in computed else member[name]) for _, name in MEMBER_COLUMNS]


def _cell(name: str, value: Any) -> Any:
    if name in codes.FIELD_CODES:
        return safe_cell(codes.FIELD_CODES[name].label(value))
    if name in BOOLEANS:
        return YES if value else NO
    if isinstance(value, Decimal):
        return float(value)
    return safe_cell("" if value is None else value)


def build_roster(households: list[Row], members: list[Row]) -> bytes:
    """Two sheets, households then members; ID numbers in full (this goes to the national system)."""
    by_household: dict[str, list[Row]] = {}
    for member in members:
        by_household.setdefault(member["household_code"], []).append(member)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(HOUSEHOLD_SHEET)
    sheet.append([header for header, _ in HOUSEHOLD_COLUMNS])
    for household in households:
        sheet.append(_household_cells(household, by_household.get(household["code"], [])))
    sheet = workbook.create_sheet(MEMBER_SHEET)
    sheet.append([header for header, _ in MEMBER_COLUMNS])
    for member in members:
        sheet.append(_member_cells(member))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def export_roster(township_id: int | None, only: list[int] | None = None) -> tuple[bytes, int]:
    """The workbook (of the households `only` names, when given) and its number of household rows."""
    households, members = await roster(township_id, only)
    return await asyncio.to_thread(build_roster, households, members), len(households)


# ---- reading an upload ----


@dataclass
class Sheets:
    """The data rows of both sheets as {field: text}, each with its row number in the sheet."""

    households: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    members: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_roster(content: bytes) -> Sheets:
    """Both sheets checked for shape (size, headers, merged cells, formulas); raises RosterRejected."""
    workbook = open_upload(content, (HOUSEHOLD_SHEET, MEMBER_SHEET), MAX_ROWS, MAX_BYTES)
    return Sheets(
        households=read_rows(workbook[HOUSEHOLD_SHEET], HOUSEHOLD_COLUMNS),
        members=read_rows(workbook[MEMBER_SHEET], MEMBER_COLUMNS),
    )


def label_to_code(name: str) -> Callable[[str], str | None]:
    """Chinese label (or the code itself) → code; None when unknown."""
    code_list = codes.FIELD_CODES[name]
    known = {code_list.label(code): code for code in code_list} | {code: code for code in code_list}
    return lambda text: known.get(text)


UNKNOWN_LABEL = N_("Not a value of the list: %(value)s")
