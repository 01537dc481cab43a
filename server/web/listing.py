"""Lists at the desk: the order a column header asks for, and one page of a list (in memory, or fetched a window at a
time)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


def order_param(value: str, allowed: Sequence[str], default: str = "") -> str:
    """`value` ('village' or '-village' for descending) when its key is one of `allowed`, else `default`."""
    return value if value.lstrip("-") in allowed else default


def sort_rows(rows: list[T], order: str, keys: dict[str, Callable[[T], Any]]) -> list[T]:
    """The rows in the order `order` names (a key of `keys`, '-' first for descending); unchanged for none."""
    key = keys.get(order.lstrip("-"))
    return sorted(rows, key=key, reverse=order.startswith("-")) if key else rows


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.size + len(self.rows)

    @property
    def has_more(self) -> bool:
        return self.page < self.pages


def page_of(rows: list[T], page: int, size: int = 50) -> Page[T]:
    page = min(max(page, 1), max((len(rows) + size - 1) // size, 1))
    return Page(rows[(page - 1) * size : page * size], len(rows), page, size)


class Counted(Protocol[T]):
    """A window of a list's rows and how many rows the whole list has."""

    @property
    def rows(self) -> list[T]: ...

    @property
    def total(self) -> int: ...


C = TypeVar("C", bound=Counted[Any])


async def fetched_page(fetch: Callable[[int, int], Awaitable[C]], page: int, size: int) -> tuple[C, Page[Any]]:
    """Page `page` of a list fetched a window at a time (`fetch(limit, offset)`), and the fetched window itself; a page
    past the end (the list got shorter since it was shown) is its last page."""
    found = await fetch(size, (page - 1) * size)
    last = max((found.total + size - 1) // size, 1)
    if page > last:
        page = last
        found = await fetch(size, (page - 1) * size)
    return found, Page(found.rows, found.total, page, size)
