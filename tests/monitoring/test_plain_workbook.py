"""The assessment's workbook writes its rows itself (server.monitoring.export.plain_workbook): the file is the one
openpyxl's write-only mode makes of the same rows, part for part (but the time it was made)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import ZipFile

import pytest
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from server.monitoring.export import plain_workbook

ROWS: list[list[Any]] = [
    ["乡镇", "干部", "", " 前后有空格 ", "a\nb", "<&>\"'", "#N/A", "'=1+1", "—"],
    [1, 0, -3, 2.5, 1e20, 0.1 + 0.2, Decimal("12.50"), True, False, None, "末"],
    [],
    [None, None, "隔两格"],
]


def parts(content: bytes) -> dict[str, bytes]:
    with ZipFile(BytesIO(content)) as package:
        return {name: package.read(name) for name in package.namelist() if name != "docProps/core.xml"}


def openpyxl_workbook(title: str, rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_rows_are_written_as_openpyxl_writes_them() -> None:
    assert parts(plain_workbook("2026年度考核", ROWS)) == parts(openpyxl_workbook("2026年度考核", ROWS))
    assert parts(plain_workbook("空", [])) == parts(openpyxl_workbook("空", []))


def test_what_openpyxl_refuses_is_refused() -> None:
    with pytest.raises(IllegalCharacterError):
        plain_workbook("x", [["bell\x07"]])
    with pytest.raises(ValueError, match="formula"):
        plain_workbook("x", [["=1+1"]])
