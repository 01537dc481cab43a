"""Logs as one JSON object per line, each with the request id, personal data masked.

The request id comes from the proxy's X-Request-ID (when it looks like one) or is made here; the response carries
it back and the audit trail records it, so one request can be followed across hosts and into the audit.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from server.privacy import mask_id_number, mask_phone

request_id: ContextVar[str | None] = ContextVar("bangfu_request_id", default=None)

REQUEST_ID_FORMAT = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# Bounded by anything but letters and digits, so hex request ids and hashes are never taken for a number.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# The same bound written after the leading 1, so the pattern starts with a literal and the engine jumps from one "1"
# to the next instead of trying the lookbehind at every character of the line (a request's access line 12 -> 1 µs).
MOBILE = re.compile(r"1(?<![0-9A-Za-z]1)[3-9]\d{9}(?![0-9A-Za-z])")
# Attributes every LogRecord has; anything else was passed with `extra=` and goes into the line as a field.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def new_request_id(offered: str | None) -> str:
    """The proxy's id when it is a plausible one (nginx: $request_id), else a fresh one."""
    if offered and REQUEST_ID_FORMAT.match(offered):
        return offered
    return uuid.uuid4().hex


def mask_personal_data(text: str) -> str:
    """ID numbers (GB 11643) and mobile numbers masked as on screen: 371326********1234, 138****5678."""
    text = ID_NUMBER.sub(lambda match: mask_id_number(match.group()), text)
    return MOBILE.sub(lambda match: mask_phone(match.group()), text)


class JsonFormatter(logging.Formatter):
    """{"time": ..., "level": ..., "logger": ..., "message": ..., "request_id": ..., <extra fields>}."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id.get():
            line["request_id"] = rid
        line.update({name: value for name, value in vars(record).items() if name not in STANDARD})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return mask_personal_data(json.dumps(line, ensure_ascii=False, default=str))


class MaskingFormatter(logging.Formatter):
    """The plain-text format (BANGFU_LOG_FORMAT=text, for a developer's terminal), masked the same way."""

    def format(self, record: logging.LogRecord) -> str:
        rid = request_id.get()
        return mask_personal_data(super().format(record) + (f" [{rid}]" if rid else ""))


def formatter_for(log_format: str) -> logging.Formatter:
    if log_format == "text":
        return MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    return JsonFormatter()


class AppHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our one handler on the root logger: stderr, for the app's loggers and the libraries'."""


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Install our handler once per process (an app made again replaces it; handlers of others, e.g. pytest's, stay)."""
    handler = AppHandler(sys.stderr)
    handler.setFormatter(formatter_for(log_format))
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, AppHandler)] + [handler]
    root.setLevel(level)


def granian_log_config(log_format: str) -> dict[str, Any]:
    """Granian's own lines (start, stop, worker restarts) in the same format."""
    factory = "server.observability.logs.formatter_for"
    return {
        "formatters": {"generic": {"()": factory, "log_format": log_format}},
        "handlers": {
            "console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
        },
        "loggers": {"_granian": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }
