"""A rule a simultaneous change got to first: the request that lost is told why in plain words (409), nothing saved."""

from __future__ import annotations

from typing import Any

from server.i18n import gettext


class Conflict(Exception):
    """Raised inside the transaction that found the rule taken (under its lock); `message` is a msgid."""

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message)
        self.message = message
        self.values = values

    def text(self) -> str:
        return gettext(self.message, **self.values)
