"""How figures are shown: shares as whole percentages."""

from __future__ import annotations


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
