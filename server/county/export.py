"""The county office's workbook: coverage, the return-to-poverty rate and employment by township, a sheet each."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from openpyxl import Workbook

from server.i18n import gettext
from server.jobs.figures import fill_figures_sheet
from server.monitoring.export import fill_rate_sheet
from server.pairing.export import fill_coverage_sheet
from server.spreadsheets import workbook_bytes


def build_workbook(home: dict[str, Any], day: date) -> bytes:
    """`home`: the county home's figures (server.county.controller.county_home)."""
    first = gettext("County or township")
    coverage = home["data"]
    book = Workbook()
    assert book.active is not None
    rows = [(home["county_name"], coverage.county), *((t.name, t) for t in coverage.townships)]
    fill_coverage_sheet(book.active, first, gettext("Not visited within the township's alert days"), rows)
    fill_rate_sheet(book.create_sheet(), first, home["county_rate"], home["township_rates"])
    title = gettext("Employment figures on %(day)s", day=day.isoformat())
    jobs = home["jobs"]
    whole = (gettext("Whole county"), jobs["total"])
    fill_figures_sheet(book.create_sheet(), title, gettext("Township"), jobs["townships"], whole, jobs["check_months"])
    return workbook_bytes(book)


async def county_xlsx(home: dict[str, Any], day: date) -> bytes:
    return await asyncio.to_thread(build_workbook, home, day)
