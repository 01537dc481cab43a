"""Every field the demo's audit trail holds (each area's steps, as the demo takes them) reads in Chinese."""

from __future__ import annotations

import json
from typing import Any

from server.audit.display import field_label
from server.audit.tables import AuditEvent


async def test_every_field_of_the_demo_trail_reads_in_chinese(demo: Any) -> None:
    rows = await AuditEvent.raw("SELECT action, detail FROM audit_event")
    unnamed = set()
    for row in rows:
        detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]
        names = [*detail, *detail.get("changes", {})]
        unnamed |= {(row["action"], name) for name in names if name != "changes"
                    if not any("\u4e00" <= char <= "\u9fff" for char in field_label(name, row["action"]))}  # fmt: skip
    assert sorted(unnamed) == []
