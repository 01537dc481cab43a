"""How many SQL statements a request sent: counted by the database connections, written in its access log line.

A page whose count grows with the data it shows runs a query per row; the access log shows it at once.
"""

from __future__ import annotations

from contextvars import ContextVar

# A one-item list per request (set by the request middleware), so the count made in a query's task reaches the log.
_count: ContextVar[list[int] | None] = ContextVar("bangfu_statements", default=None)


def start_counting() -> list[int]:
    counter = [0]
    _count.set(counter)
    return counter


def count_statement() -> None:
    counter = _count.get()
    if counter is not None:
        counter[0] += 1
