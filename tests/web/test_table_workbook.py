"""A workbook of table sheets written by Bangfu (server.table_workbook) holds the very parts XlsxWriter wrote for it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import ZipFile

from openpyxl import load_workbook
from xlsxwriter import Workbook

from server.spreadsheets import A4, DIGIT_PIXELS, INTEGER, MAX_WIDTH, MONEY, WIDE, Column, safe_cell, text_width
from server.table_workbook import TableWorkbook

Table = tuple[str, list[Column], list[list[Any]], str]


def xlsxwriter_workbook(tables: Sequence[Table]) -> bytes:
    """The tables as the statistics workbook was written until December 2026: XlsxWriter's calls, one sheet each."""
    buffer = BytesIO()
    book = Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold, formats = book.add_format({"bold": True}), {}
    for title, columns, rows, caption in tables:
        sheet = book.add_worksheet(title[:31])
        sheet.write_string(0, 0, safe_cell(caption), bold)
        header = [column.header for column in columns]
        sheet.write_row(1, 0, [safe_cell(text) for text in header], bold)
        for column in columns:
            if column.number_format and column.number_format not in formats:
                formats[column.number_format] = book.add_format({"num_format": column.number_format})
        widths = [text_width(text) for text in header]
        for number, row in enumerate(rows, 2):
            for index, value in enumerate(row):
                if value is None or value == "":
                    continue
                widths[index] = max(widths[index], text_width(value))
                if isinstance(value, int | float | Decimal):
                    sheet.write_number(number, index, float(value), formats.get(columns[index].number_format))
                else:
                    sheet.write_string(number, index, safe_cell(str(value)))
        for index, width in enumerate(widths):
            sheet.set_column_pixels(index, index, DIGIT_PIXELS * min(MAX_WIDTH, max(8, width + 2)))
        sheet.freeze_panes(2, 0)
        sheet.repeat_rows(0, 1)
        sheet.set_paper(A4)
        if len(columns) > WIDE:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.hide_gridlines(0)
    book.close()
    return buffer.getvalue()


def ours(tables: Sequence[Table]) -> bytes:
    book = TableWorkbook()
    for table in tables:
        book.table_sheet(*table)
    return book.bytes()


def parts(content: bytes) -> dict[str, bytes]:
    """Each part of the package; the creation time left out."""
    with ZipFile(BytesIO(content)) as package:
        found = {part.filename: package.read(part) for part in package.infolist()}
    found["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"", found["docProps/core.xml"])
    return found


WIDE_COLUMNS = [Column(f"列{n}", INTEGER) for n in range(30)]  # past Z: AA, AB, ...
TABLES: list[Table] = [
    (
        "1 按主要致贫原因统计户数和人数",
        [
            Column("主要致贫原因"),
            Column("户数", INTEGER),
            Column("金额（元）", MONEY),
            Column("比例", "0.00"),
            Column("备注"),
        ],
        [
            ["因病", 12, Decimal("1200.50"), Decimal("4.06"), ""],
            ["=SUM(A1)", -3, 0.1 + 0.2, None, '说明 & <b>“引号”</b> "quoted"'],
            [" leading and trailing ", True, Decimal("1E+20"), 1e-7, "line\nbreak\tand\x07bell _x0041_ \ufffe"],
            ["合计", 2**53 + 1, Decimal("-0.00"), 12345678.9, None],
        ],
        "平邑县 · 2026 · 按主要致贫原因统计户数和人数",
    ),
    ("2 It's wide", WIDE_COLUMNS, [[n * row for n in range(30)] for row in range(40)], "+caption"),  # 3 span blocks
    ("3 empty", [Column("项目"), Column("", INTEGER), Column("备注")], [], "-caption"),
    ("4 only the first column", [Column("月份")], [[f"{month}月"] for month in range(1, 20)], "@"),
    (  # row 17 (the second block of 16 rows) uses A:C, 18-23 column A only: their span is 1:3
        "5 a gap",
        [Column("A"), Column("B", MONEY), Column("C")],
        [
            ["x", 1],
            [None, None],
            ["", ""],
            *([f"y{n}", n, "trailing "] for n in range(12)),
            *([f"z{n}"] for n in range(6)),
        ],
        "c",
    ),
    *((f"{n} 同名 sheet", [Column("甲", INTEGER)], [[n]], "caption") for n in range(6, 21)),  # '10' sorts before '6'
    ("21 a title longer than a sheet name may be, cut at 31", [Column("x")], [["x" * 300]], "a"),
]


def test_the_table_sheets_are_the_xml_xlsxwriter_wrote_for_them_part_by_part() -> None:
    expected, found = parts(xlsxwriter_workbook(TABLES)), parts(ours(TABLES))
    assert list(found) == list(expected), "the same parts in the same order"
    for name, content in expected.items():
        assert found[name] == content, name


def test_a_table_workbook_reads_back_in_openpyxl_as_written() -> None:
    book = load_workbook(BytesIO(ours(TABLES)))
    first = book.worksheets[0]
    assert [cell.value for cell in first[2]] == ["主要致贫原因", "户数", "金额（元）", "比例", "备注"]
    assert [cell.value for cell in first[4]][:3] == ["'=SUM(A1)", -3, 0.3], "formula-safe text; 16 digits, as Excel"
    assert first["B3"].number_format == INTEGER
    assert first["C3"].number_format == MONEY
    assert first["A1"].font.b
    assert not first["A3"].font.b
    # Excel reads _x0007_ as the character; openpyxl leaves Excel's escapes of control characters as they are
    assert first["E5"].value == "line\nbreak\tand_x0007_bell _x0041_ _xFFFE_", "text that looks like an escape kept"
    assert first.freeze_panes == "A3"
    assert book.worksheets[1].page_setup.orientation == "landscape"
    assert len(book.sheetnames) == len(TABLES)
    assert book.sheetnames[-1] == TABLES[-1][0][:31]
