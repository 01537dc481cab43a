"""The shape of a statistics table, as the page and the workbook both read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Number = int | Decimal | float | None  # None: cannot be computed here (the row's `why` says why)


@dataclass(frozen=True)
class Col:
    header: str  # msgid
    kind: str = "int"  # int, money, percent, text; alert: a count of what is past a clock (red, with words, when > 0)


@dataclass(frozen=True)
class Row:
    label: str  # shown as it is (already translated, or a place name)
    values: tuple[Any, ...]
    key: str = ""  # the list behind the row's figures ("" for none)
    why: str = ""  # why a figure of this row cannot be computed (already translated)
    total: bool = False
    cell_keys: tuple[str, ...] = ()  # a list behind each figure of the row (a table of years side by side)


@dataclass(frozen=True)
class StatTable:
    key: str  # stable: the URL of its list and the workbook's sheet
    title: str  # msgid
    first: str  # msgid: the header of the label column
    columns: tuple[Col, ...]
    rows: list[Row]
    note: str = ""  # msgid: how the figures are counted
    list_kind: str = ""  # households, measures, projects, visits: what the list behind a figure shows
    chart: list[tuple[str, float]] = field(default_factory=list)  # (label, value) drawn as bars
    series: list[tuple[str, list[tuple[str, float]]]] = field(default_factory=list)  # named lines (trends)
