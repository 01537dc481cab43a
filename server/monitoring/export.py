"""The township's (or county's) annual assessment as an .xlsx: cadres alphabetically with their figures, no rank;
and the return-to-poverty rate as a sheet."""

from __future__ import annotations

import asyncio
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from server.codes import MEASURE_TYPE
from server.i18n import gettext
from server.jobs.placements import CHECK_RULES
from server.monitoring.assessment import Assessment
from server.monitoring.rate import Rate
from server.spreadsheets import FastWorkbook, append_row, safe_cell


def header(check_months: tuple[int, ...]) -> list[str]:
    return [
        gettext("Township"),
        gettext("Cadre"),
        gettext("Cadre post"),
        gettext("Households helped"),
        gettext("Paired during the year"),
        gettext("Visits"),
        gettext("Follow-ups on time"),
        gettext("Follow-ups late"),
        gettext("Follow-ups overdue, not done"),
        gettext("Measures delivered"),
        gettext("Measure amounts (yuan)"),
        gettext("Measures by type"),
        gettext("Jobs kept at %(n)s months", n=check_months[1]),
        gettext("Jobs kept at %(n)s months", n=check_months[2]),
        gettext("Households above the monitoring line"),
        gettext("Risks cleared"),
    ]


def row_of(item: Assessment, labels: dict[str, str]) -> list[Any]:
    """The cadre's line; `labels`: the measure types' labels (`measure_labels`)."""
    by_type = "; ".join(f"{labels[m['type']]} {m['count']}" for m in item.measures)
    kept_second, checked_second = item.kept(2)
    kept_third, checked_third = item.kept(3)
    return [
        item.cadre["township_name"],
        item.cadre["display_name"],
        item.cadre["title"],
        item.households,
        item.new_pairings,
        item.visits,
        item.on_time,
        item.late,
        item.overdue_open,
        item.measure_count,
        float(item.measure_amount),
        by_type,
        f"{kept_second}/{checked_second}",
        f"{kept_third}/{checked_third}",
        "—" if item.above_line is None else item.above_line,
        len(item.risks_cleared),
    ]


def measure_labels(items: list[Assessment]) -> dict[str, str]:
    """Each measure type's label, translated once for the workbook (a county's lines name 34,000 of them)."""
    return {code: MEASURE_TYPE.label(code) for code in {m["type"] for item in items for m in item.measures}}


def build_workbook(items: list[Assessment], year: int) -> bytes:
    """One sheet, one line per cadre in the order given (alphabetical); every text cell formula-safe. Written with
    XlsxWriter in memory: openpyxl made an object and an XML element per cell, 0.7 s of CPU for the county's 95,000."""
    workbook = FastWorkbook()
    sheet = workbook.sheet(gettext("Assessment %(year)s", year=year))
    months = items[0].check_months if items else tuple(rule.default for rule in CHECK_RULES)
    labels = measure_labels(items)
    rows = [header(months), *(row_of(item, labels) for item in items)]
    for number, row in enumerate(rows):
        for column, value in enumerate(row):  # by type: `write_row` works out each cell's type again (a tenth)
            if isinstance(value, str):
                if value:  # an empty text is an empty cell, as `write_row` leaves it
                    sheet.write_string(number, column, safe_cell(value))
            else:
                sheet.write_number(number, column, value)
    if any(item.above_line is None for item in items[:1]):  # after an empty line
        sheet.write_string(
            len(rows) + 1, 0, safe_cell(gettext("— : no monitoring line is set for %(year)s.", year=year))
        )
    return workbook.bytes()


async def assessment_xlsx(items: list[Assessment], year: int) -> bytes:
    return await asyncio.to_thread(build_workbook, items, year)


def fill_rate_sheet(sheet: Worksheet, first_header: str, whole: Rate, parts: list[Rate]) -> None:
    """The whole (township or county) in bold, then each part; "—" where nobody was lifted out yet."""
    sheet.title = gettext("Return-to-poverty rate")
    header = [first_header, gettext("Households lifted out"), gettext("Households fallen back"), gettext("Rate")]
    append_row(sheet, header, bold=True)
    for number, rate in enumerate([whole, *parts]):
        share = "—" if rate.percent is None else float(rate.percent) / 100
        append_row(sheet, [rate.name, rate.lifted, rate.returned, share], bold=number == 0)
        sheet.cell(row=sheet.max_row, column=4).number_format = "0.00%"
    sheet.column_dimensions["A"].width = 22
