"""The local clock: Bangfu's dates and years are China Standard Time, whatever the server's own time zone is."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(TIMEZONE)


def today() -> date:
    """Today where the work happens: closing dates, due dates and "this year" are meant in Asia/Shanghai."""
    return now().date()


def this_year() -> int:
    return now().year


MINUTES = "%Y-%m-%d %H:%M"


def local_time(value: datetime | None, fmt: str = MINUTES) -> str:
    """The local time as `fmt` writes it; YYYY-MM-DD HH:MM (the default) cut from isoformat, which costs half of
    strftime (the visit list writes one a visit)."""
    if value is None:
        return ""
    if fmt == MINUTES:
        return value.astimezone(TIMEZONE).isoformat(" ")[:16]
    return value.astimezone(TIMEZONE).strftime(fmt)


def local_date(value: date | datetime | None) -> str:
    """YYYY-MM-DD (isoformat: a sixth of strftime's cost, which list rows paid once or twice each)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(TIMEZONE).date().isoformat()
    return value.isoformat()


# The same day in SQL, for queries that compare with dates stored as local days.
LOCAL_TODAY_SQL = "(now() AT TIME ZONE 'Asia/Shanghai')::date"
