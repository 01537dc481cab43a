"""The plans tests live in the visit tests' small world: cadre 'wang' with a monitored household, 'li' with another."""

from __future__ import annotations

from tests.visits.conftest import as_wang, world

__all__ = ["as_wang", "world"]
