"""What every .xlsx Bangfu writes shares: cells a spreadsheet program never runs as formulas."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula by Excel, WPS or LibreOffice (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe and stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
