"""The offline tests reuse the visit tests' small world: cadres wang and li, each with a household."""

from __future__ import annotations

from tests.visits.conftest import as_wang, world

__all__ = ["as_wang", "world"]
