"""The shape of a statistics table, as the page and the workbook both read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from server.i18n import gettext

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


@dataclass(frozen=True)
class Bar:
    """A bar of a chart of shares or places, placed: `_charts.html`'s `bars` draws it."""

    label: str  # the name, cut to fit before its bar
    top: int  # the bar's row: the label's and value's baseline is 15 below, the bar 4 below
    width: float  # of the bar, of 200
    value: str


BAR_HEIGHT = 22  # a bar's row, in the chart's units
LABEL_LENGTH, LABEL_LEEWAY = 9, 5  # jinja's truncate(9, true, "…"): a name of up to 14 characters is kept whole


def bar_chart(points: list[tuple[str, float]]) -> list[Bar]:
    """The bars of (label, value) points, scaled to the largest value (none when every value is 0): placed here
    once, not through a handful of template filters per bar."""
    top = max((value for _, value in points), default=0)
    if top <= 0:
        return []
    return [
        Bar(
            name if len(name) <= LABEL_LENGTH + LABEL_LEEWAY else name[: LABEL_LENGTH - 1] + "…",
            index * BAR_HEIGHT,
            round(value / top * 200, 1),
            str(int(value) if value == int(value) else round(value, 2)),
        )
        for index, (name, value) in enumerate(points)
    ]


def _text(value: Any) -> str:
    """A figure as text: a number needs no escaping (most cells), anything else is escaped."""
    return str(value) if type(value) in (int, Decimal, float) else escape(value)


def figure_cells(table: StatTable, row: Row, query: str) -> Markup:
    """The `<td>`s of a row's figures, as the page shows them: a link to the list behind a figure, "cannot compute"
    with the reason, a count past its clock in words, money with thousands separators. Written here once per row
    rather than a dozen template tests per cell (a township's report has up to 1,600 of them); plain strings, each
    value escaped once."""
    lists = f"/statistics/list/{escape(table.key)}/"
    query = escape(query)
    cells = []
    for index, (column, value) in enumerate(zip(table.columns, row.values, strict=True)):
        if value is None:
            shown = "—"
            if row.why and index > 0:
                cannot = escape(gettext("cannot compute"))
                shown = f'<span class="text-warn" title="{escape(row.why)}">{cannot}</span>'
        elif row.cell_keys:
            shown = _text(value)
            if value:
                shown = f'<a class="figure" href="{lists}{escape(row.cell_keys[index])}?{query}">{shown}</a>'
        elif index == 0 and row.key and table.list_kind and column.kind != "percent":
            shown = f'<a class="figure" href="{lists}{escape(row.key)}?{query}">{_text(value)}</a>'
        elif column.kind == "alert" and value:
            late = escape(gettext("past the clock"))
            shown = f'<span class="text-warn">{_text(value)} {late}</span>'
        elif column.kind == "money":
            shown = f"{value:,.2f}"
        else:
            shown = _text(value)
        cells.append(f'    <td class="num">{shown}</td>')
    return Markup("\n".join(cells))  # noqa: S704 -- every value above is escaped
