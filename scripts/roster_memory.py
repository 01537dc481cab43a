"""Peak memory of reading a roster at the cap: 10,000 households and 10,000 members, every column filled.

Run: .venv/bin/python scripts/roster_memory.py   (prints the file size, the time and tracemalloc's peak)
"""

from __future__ import annotations

import time
import tracemalloc
from io import BytesIO

from openpyxl import Workbook

from server.households import excel


def roster_at_the_cap() -> bytes:
    book = Workbook(write_only=True)
    sheets = ((excel.HOUSEHOLD_SHEET, excel.HOUSEHOLD_COLUMNS), (excel.MEMBER_SHEET, excel.MEMBER_COLUMNS))
    for title, columns in sheets:
        sheet = book.create_sheet(title)
        sheet.append([header for header, _ in columns])
        for n in range(excel.MAX_ROWS):
            sheet.append([f"{header}{n:05d}" for header, _ in columns])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    content = roster_at_the_cap()
    tracemalloc.start()
    started = time.perf_counter()
    sheets = excel.read_roster(content)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = len(sheets.households) + len(sheets.members)
    print(f"roster at the cap: {len(content) / 1e6:.1f} MB file, {rows:,} rows read in {seconds:.1f} s,")
    print(f"peak memory while reading (tracemalloc): {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
