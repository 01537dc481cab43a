"""The trail cannot be changed through the app's routes, and exports safely (its retention: tests/operations)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from server.audit.tables import AuditEvent
from tests.audit.conftest import add_event
from tests.helpers import csrf_token_of, log_in


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/audit"),
        ("POST", "/audit/{id}"),
        ("PUT", "/audit/{id}"),
        ("PATCH", "/audit/{id}"),
        ("DELETE", "/audit/{id}"),
        ("POST", "/audit/{id}/delete"),
        ("POST", "/audit/{id}/edit"),
    ],
)
async def test_no_route_changes_or_deletes_an_entry(client: Any, towns: dict[str, int], method: str, path: str) -> None:
    event = await add_event("login", towns["worker"], "worker")
    await log_in(client, "office")
    token = csrf_token_of((await client.get("/me")).text)
    response = await client.request(
        method, path.format(id=event), data={"_csrf_token": token, "action": "nothing"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code in (404, 405)
    row = await AuditEvent.select().where(AuditEvent.id == event).first()
    assert row is not None
    assert row["action"] == "login"


async def test_the_export_is_masked_formula_safe_and_itself_audited(client: Any, towns: dict[str, int]) -> None:
    detail = {"changes": {"id_number": ["", "371326198005011234"]}}
    await add_event("member_changed", towns["worker"], "worker", target_type="household",
                    target_id=towns["household"], ip="=HYPERLINK(\"http://x\")", detail=detail)  # fmt: skip
    await log_in(client, "office")
    response = await client.get(f"/audit/export.xlsx?target_type=household&target_id={towns['household']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间"
    assert len(rows) == 2
    cells = [str(value) for value in rows[1] if value is not None]
    assert '\'=HYPERLINK("http://x")' in cells, "a formula is written as text"
    assert not any(cell.startswith("=") for cell in cells)
    assert any("371326********1234" in cell for cell in cells)
    assert not any("371326198005011234" in cell for cell in cells)
    export = await AuditEvent.select().where(AuditEvent.action == "export").first()
    assert export["actor"] == towns["office"]
    assert export["target_type"] == "audit"
