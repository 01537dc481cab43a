"""Roster limits hold whatever the file declares: rows, columns, sheets and cell length are counted while the file is
read, reading stops at the first one, and the message states the limit."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any

import pytest

from server.households import excel
from server.spreadsheet_reading import Limits
from tests.households.test_excel import as_admin, clean_book, content_of, upload, workbook


def lying_about_its_size(content: bytes, dimension: str = "A1:B2") -> bytes:
    """The same file with every sheet's <dimension> tag saying `dimension` (a file may say anything there)."""
    source, target = zipfile.ZipFile(BytesIO(content)), BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
            out.writestr(item, data)
    return target.getvalue()


def refusal(content: bytes) -> str:
    with pytest.raises(excel.RosterRejected) as refused:
        excel.read_roster(content)
    return str(refused.value)


def test_a_file_whose_dimension_tag_understates_its_rows_is_still_refused_past_the_limit() -> None:
    rows = [[f"X-{n:05d}"] for n in range(excel.MAX_ROWS + 1)]  # one cell a row: counting rows needs no more
    content = lying_about_its_size(content_of(workbook(rows, [])))
    assert "10,000" in refusal(content)


def test_a_file_whose_dimension_tag_overstates_its_size_is_read_as_it_is() -> None:
    content = lying_about_its_size(content_of(clean_book()), "A1:XFD1048576")
    sheets = excel.read_roster(content)
    assert [number for number, _ in sheets.households] == [2, 3]


def test_a_row_far_below_the_last_one_counts_as_far_as_it_is() -> None:
    book = clean_book()
    book[excel.HOUSEHOLD_SHEET]["A900000"] = "X-999"
    assert "10,000" in refusal(content_of(book))


def test_a_cell_past_the_last_column_is_refused_naming_the_limit() -> None:
    book = clean_book()
    book[excel.MEMBER_SHEET]["ZZ3"] = "藏在很远的列"
    assert "60" in refusal(lying_about_its_size(content_of(book)))


def test_a_cell_longer_than_the_limit_is_refused_naming_cell_and_limit() -> None:
    book = clean_book()
    book[excel.HOUSEHOLD_SHEET]["B2"] = "长" * 1_001
    message = refusal(content_of(book))
    assert "B2" in message
    assert "1,000" in message


def test_a_file_with_more_sheets_than_allowed_is_refused() -> None:
    book = clean_book()
    for n in range(Limits().sheets - 1):
        book.create_sheet(f"附表{n}")
    assert str(Limits().sheets) in refusal(content_of(book))


def test_a_file_that_unpacks_beyond_the_limit_is_refused_before_any_sheet_is_read() -> None:
    target = BytesIO(content_of(clean_book()))
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(101 * 1024 * 1024))  # about 100 KB zipped
    content = target.getvalue()
    assert len(content) < excel.MAX_BYTES
    assert "100 MB" in refusal(content)


async def test_a_merged_header_is_reported_as_merged_cells_not_as_a_wrong_header(
    client: Any, make_user: Any, register: Any
) -> None:
    await as_admin(client, make_user)
    book = clean_book()
    book[excel.HOUSEHOLD_SHEET].merge_cells("A1:B1")
    response = await upload(client, content_of(book))
    assert response.status_code == 422
    assert "合并单元格" in response.text
    assert "A1:B1" in response.text
