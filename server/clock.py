"""The app's one time zone and "today" as the township sees it, for queries and domain code (not only the web)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")
# The same day in SQL, for queries that compare with dates stored as local days.
LOCAL_TODAY_SQL = "(now() AT TIME ZONE 'Asia/Shanghai')::date"


def today() -> date:
    return datetime.now(TIMEZONE).date()
