"""How an audit event reads: its detail parsed once, masked where it names an ID number or a mobile number."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from server.audit.display import shown

FULL_ID = "371326198005011234"


def event(detail: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "at": datetime(2026, 12, 1, tzinfo=UTC),
        "action": "member_updated",
        "actor_label": "office",
        "actor_name": "",
        "actor_username": "office",
        "target_type": "member",
        "target_id": "7",
        "ip": "",
        "detail": detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False),
    }


def test_a_mobile_number_named_only_in_the_changes_is_masked_and_offers_the_reveal() -> None:
    shown_event = shown(event({"changes": {"phone": ["13812345678", "13912345678"]}}))
    assert [(old, new) for _, old, new in shown_event.changes] == [("138****5678", "139****5678")]
    assert shown_event.maskable


def test_a_detail_without_id_or_mobile_numbers_offers_no_reveal() -> None:
    shown_event = shown(event({"rows": 12345678901234, "note": "第3次", "late": True, "share": 0.5}))
    assert [fact.value for fact in shown_event.facts] == ["12345678901234", "第3次", "是", "0.5"]
    assert not shown_event.maskable


def test_revealed_the_id_number_shows_in_full() -> None:
    assert [fact.value for fact in shown(event({"note": f"ID {FULL_ID}"}), reveal=True).facts] == [f"ID {FULL_ID}"]
    assert [fact.value for fact in shown(event({"note": f"ID {FULL_ID}"})).facts] == ["ID 371326********1234"]


def test_reading_an_event_never_changes_its_row() -> None:
    row = event({})
    row["detail"] = {"changes": {"name": ["张三", "李四"]}, "household": 3}
    shown(row)
    assert row["detail"] == {"changes": {"name": ["张三", "李四"]}, "household": 3}
