"""Lists at the desk: the order a column header asks for, and one page of a list (for lists already in memory)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from markupsafe import Markup, escape

T = TypeVar("T")


def order_param(value: str, allowed: Sequence[str], default: str = "") -> str:
    """`value` ('village' or '-village' for descending) when its key is one of `allowed`, else `default`."""
    return value if value.lstrip("-") in allowed else default


def sort_th(label: str, key: str, order: str, url: str, params: dict[str, Any], cls: str = "") -> Markup:
    """A column header that sorts its list: a plain link (works without JavaScript) to the list with `params` (its
    filters) ordered by `key`, descending when it already is ascending; aria-sort marks the current order (`order`:
    'village', '-village' descending, '' the list's own). templates/_macros.html exports it as `sort_th`: as a macro,
    the register's five headers were a fifth of its template (a macro call and jinja2's urlencode each)."""
    current = order.lstrip("-") == key
    descending = order.startswith("-")
    query = urlencode({**params, "sort": f"-{key}" if current and not descending else key, "page": 1})
    attributes = f' class="{escape(cls)}"' if cls else ""
    if current:
        attributes += f' aria-sort="{"descending" if descending else "ascending"}"'
    return Markup(  # noqa: S704 -- every value escaped
        f'<th scope="col"{attributes}><a class="sort" href="{escape(url)}?{escape(query)}">{escape(label)}</a></th>'
    )


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
