"""A small world for the visit tests: two cadres each paired with a household, a leader, photos from tests/fixtures."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.households.tables import Household, Member
from server.pairing.tables import Pairing
from server.places.tables import Village
from tests.helpers import csrf_token_of, log_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PHOTO = (FIXTURES / "rotated_gps.jpg").read_bytes()  # EXIF GPS 35.30 N, 117.80 E, orientation 6


async def make_household(village: int, head: str, **fields: Any) -> int:
    [row] = await Household.insert(Household(code=uuid.uuid4().hex[:12], village=village, **fields)).returning(
        Household.id
    )
    await Member.insert(Member(household=row["id"], name=head, id_number=uuid.uuid4().hex[:18], relation="head"))
    return int(row["id"])


async def pair(household: int, cadre: int) -> None:
    await Pairing.insert(Pairing(household=household, cadre=cadre, rank=1, started_on=date(2026, 1, 1)))


@pytest.fixture
async def world(make_user: Any, township: dict[str, int]) -> dict[str, int]:
    """cadre 'wang' paired with a monitored household near the photo's GPS; cadre 'li' with an ordinary one."""
    await Village.update({Village.latitude: 35.31, Village.longitude: 117.81}).where(Village.id == township["village"])
    other = Village(township=township["township"], name="石岭村", code="371326105002")
    await other.save()
    wang = await make_user("cadre", username="wang", display_name="王干部")
    li = await make_user("cadre", username="li", display_name="李干部")
    leader = await make_user("leader", username="boss", display_name="赵书记")
    monitored = await make_household(
        township["village"], "张三", monitoring_type="unstable", latitude=35.301, longitude=117.801
    )
    ordinary = await make_household(other.id, "李四")
    await pair(monitored, wang)
    await pair(ordinary, li)
    return {"wang": wang, "li": li, "leader": leader, "monitored": monitored, "ordinary": ordinary,
            "village": township["village"], "other_village": other.id, "township": township["township"]}  # fmt: skip


async def form_token(client: httpx.AsyncClient, household: int) -> tuple[str, str, str]:
    """Open the visit form; returns (csrf token, the client id the form carries, its default time)."""
    page = await client.get(f"/households/{household}/visits/new")
    assert page.status_code == 200, page.status_code
    client_id = page.text.split('name="client_id" value="', 1)[1].split('"', 1)[0]
    visited_at = page.text.split('name="visited_at" type="datetime-local" value="', 1)[1].split('"', 1)[0]
    return csrf_token_of(page.text), client_id, visited_at


async def send_visit(
    client: httpx.AsyncClient,
    household: int,
    fields: dict[str, Any] | None = None,
    photos: list[tuple[str, bytes, str]] | None = None,
    client_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    token, fresh_id, now = await form_token(client, household)
    data = {"_csrf_token": token, "client_id": client_id or fresh_id, "kind": "home", "note": "", "visited_at": now}
    data.update(fields or {})
    files = [("photos", photo) for photo in photos or []] or [("photos", ("", b"", "application/octet-stream"))]
    return await client.post(f"/households/{household}/visits", data=data, files=files, headers=headers or {})


@pytest.fixture
async def as_wang(client: httpx.AsyncClient, world: dict[str, int]) -> httpx.AsyncClient:
    await log_in(client, "wang")
    return client
