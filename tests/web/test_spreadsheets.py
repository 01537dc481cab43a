"""Every export's sheets are finished for print the same way (server.spreadsheets.finish_for_print)."""

from __future__ import annotations

from openpyxl import Workbook

from server.spreadsheets import MAX_WIDTH, append_row, finish_for_print


def test_columns_are_as_wide_as_their_text_unless_the_export_set_a_width() -> None:
    sheet = Workbook().active
    append_row(sheet, ["村", "户数", "备注", "帮扶责任人"], bold=True)
    append_row(sheet, ["石门村", 12, "很长的说明" * 20, "王"])
    sheet.column_dimensions["D"].width = 22  # set by the export: kept

    finish_for_print(sheet)

    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    assert widths == [8, 8, MAX_WIDTH, 22], "at least 8, at most MAX_WIDTH, a Chinese character counting two"
