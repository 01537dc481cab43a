"""How figures are shown: shares as whole percentages, sums of money."""

from __future__ import annotations

from decimal import Decimal


def whole_percent(part: int, whole: int, empty: int = 100) -> int:
    """`part` of `whole` rounded to the nearest whole percent, except that only all is 100% and only none is 0%
    (99.6% shows 99, 0.3% shows 1: a leader must never read "100%" while a household is left out). `empty` when
    `whole` is 0."""
    if whole <= 0:
        return empty
    if part >= whole:
        return 100
    if part <= 0:
        return 0
    return min(max((part * 200 + whole) // (whole * 2), 1), 99)


def money(value: Decimal | None) -> str:
    """A sum in yuan as the household page shows it: thousands separated, two decimals (12,345.60); none as a dash.
    The templates' `money` filter (it was a macro: a macro call costs several times a filter's)."""
    return "—" if value is None else f"{value:,.2f}"
