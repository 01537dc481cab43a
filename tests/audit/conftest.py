"""Fixtures of the audit tests: two townships with an admin each, and events written at chosen times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.audit.tables import AuditEvent
from server.households.tables import Household
from server.places.tables import Township, Village


async def add_event(action: str, actor: int | None = None, label: str = "", days_ago: float = 0, **fields: Any) -> int:
    """An audit event `days_ago` days old (the trail is append-only: the time is set when it is written)."""
    at = datetime.now(UTC) - timedelta(days=days_ago)
    rows = await AuditEvent.raw(
        "INSERT INTO audit_event (at, actor, actor_label, action, target_type, target_id, ip, detail)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}, {}::jsonb) RETURNING id",
        at,
        actor,
        label,
        action,
        fields.get("target_type", ""),
        str(fields.get("target_id", "")),
        fields.get("ip", "10.0.0.1"),
        json.dumps(fields.get("detail", {}), ensure_ascii=False),
    )
    return int(rows[0]["id"])


@pytest.fixture
async def towns(township: dict[str, int], make_user: Any) -> dict[str, int]:
    """Our township (admin `office`, cadre `worker`, household H) and another one (admin `far`, household F)."""
    other = Township(county=township["county"], name="保太镇", code="371326106000")
    await other.save()
    far_village = Village(township=other.id, name="保太村", code="371326106001")
    await far_village.save()
    ours = Household(code="H-0001", village=township["village"])
    await ours.save()
    theirs = Household(code="F-0001", village=far_village.id)
    await theirs.save()
    return {
        "office": await make_user("admin", username="office"),
        "worker": await make_user("cadre", username="worker"),
        "far": await make_user("admin", username="far", township_id=other.id),
        "household": ours.id,
        "far_household": theirs.id,
        "other": other.id,
        "township": township["township"],
    }
