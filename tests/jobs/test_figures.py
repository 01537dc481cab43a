"""The leaders' employment figures by village, and their .xlsx download (formula-safe, audited)."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import httpx
from openpyxl import load_workbook

from server.audit.tables import AuditEvent
from server.clock import today
from server.jobs.tables import Referral
from server.places.tables import Village
from tests.helpers import log_in
from tests.jobs.test_referrals import hire, refer


async def test_leader_figures_count_referrals_and_placements_by_village(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    await refer(client, world["job"], world["elder"])
    referral = (await Referral.select().where(Referral.member == world["worker"]).first())["id"]
    await log_in(client, "boss1")
    await hire(client, referral, today().isoformat())
    await log_in(client, "lead")
    page = await client.get("/jobs/figures")
    assert page.status_code == 200
    row = re.search(r"<tr><td[^>]*>双河村</td>(.*?)</tr>", page.text)
    assert row, "a line for 双河村"
    assert re.findall(r">(\d+)</td>", row[1])[:3] == ["1", "2", "1"], "1 open job, 2 referrals, 1 placement"


async def test_cadres_cannot_open_the_figures(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    assert (await client.get("/jobs/figures")).status_code == 404


async def test_the_figures_download_is_formula_safe_and_audited(client: httpx.AsyncClient, world: Any) -> None:
    await Village.update({Village.name: "=HYPERLINK(1)"}).where(Village.id == world["far_village"])
    await log_in(client, "lead")
    answer = await client.get("/jobs/figures.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "'=HYPERLINK(1)" in names
    assert "双河村" in names
    assert await AuditEvent.exists().where(AuditEvent.action == "export")
