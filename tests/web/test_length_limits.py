"""A text over its limit is refused with the limit stated, never cut short and saved."""

from __future__ import annotations

from datetime import date

from server.monitoring.forms import parse_open
from server.projects.forms import QuantityRow, parse_progress, parse_project


def test_a_project_name_or_note_over_the_limit_is_refused_stating_the_limit() -> None:
    form = parse_project({"name": "道" * 101, "note": "记" * 2001, "kind": "road"}, [], set())
    assert "100" in form.errors["name"]
    assert "2000" in form.errors["note"]


def test_a_progress_note_over_the_limit_is_refused() -> None:
    form = parse_progress({"noted_on": "2026-05-20", "percent": "50", "note": "进" * 2001}, date(2026, 6, 1))
    assert "2000" in form.errors["note"]


def test_a_risk_note_over_the_limit_is_refused_not_cut() -> None:
    form = parse_open({"found_on": "2026-05-20", "source": "reported", "note": "难" * 201}, date(2026, 6, 1))
    assert "200" in form.errors["note"]
    assert form.values["note"] == "难" * 201  # kept whole, to be shown again and shortened by the person


def test_a_quantity_item_over_the_limit_is_refused_not_cut() -> None:
    form = parse_project({"name": "硬化道路", "kind": "road"}, [QuantityRow("路" * 61, "2850", "m")], set())
    assert "60" in form.errors["q_item_0"]
    assert not form.quantity_values
