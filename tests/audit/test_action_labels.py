"""Every action and target the app writes into the audit trail is shown by its name, never as its stored code."""

from __future__ import annotations

import re

from server.audit.actions import ACTIONS, TARGET_TYPES
from server.audit.display import BY_ACTION
from server.settings import ROOT

RECORDED_ACTION = re.compile(r"record\(\s*f?\"([a-z_]+)(\{verdict\})?\"")
RECORDED_TARGET = re.compile(r"target_type=\"([a-z_]+)\"")
VERDICTS = ("accepted", "sent_back")  # server/supervision/forms.py: f"rectification_{verdict}"


def written_codes(pattern: re.Pattern[str]) -> set[str]:
    codes = set()
    for source in (ROOT / "server").rglob("*.py"):
        for match in pattern.finditer(source.read_text(encoding="utf-8")):
            if match.lastindex == 2 and match.group(2):
                codes.update(match.group(1) + verdict for verdict in VERDICTS)
            else:
                codes.add(match.group(1))
    return codes


def test_every_recorded_action_has_a_label() -> None:
    actions = written_codes(RECORDED_ACTION)
    assert "verification_call_recorded" in actions
    assert "rectification_sent_back" in actions
    assert sorted(code for code in actions if ACTIONS.label(code) == code) == []


def test_every_recorded_target_type_has_a_label() -> None:
    targets = written_codes(RECORDED_TARGET)
    assert "finding" in targets
    assert sorted(code for code in targets if TARGET_TYPES.label(code) == code) == []


def test_every_action_whose_detail_an_area_describes_has_a_label() -> None:
    """The steps written as f"exit_{step.value}" and the like, which the search above cannot read."""
    assert "exit_appraise" in BY_ACTION
    assert sorted(code for code in BY_ACTION if ACTIONS.label(code) == code) == []
