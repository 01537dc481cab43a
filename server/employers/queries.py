"""Employer queries."""

from __future__ import annotations

from typing import Any

from server.employers.tables import Employer


async def employer_summary(employer_id: int | None) -> dict[str, Any] | None:
    if employer_id is None:
        return None
    return (
        await Employer.select(Employer.name, Employer.approved, Employer.industry)
        .where(Employer.id == employer_id)
        .first()
    )
