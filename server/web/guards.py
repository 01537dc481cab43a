"""Guards: functions that refuse a request before the handler runs.

Each is a coroutine function although it never waits: Litestar runs a plain function guard in a worker thread, a
thread hop on every request for a check of the role (seen in the profile of every guarded page).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from server.accounts.roles import READS_AS, Role
from server.web.auth import current_user

READING = frozenset({"GET", "HEAD"})


def allowed(role: Role, roles: tuple[Role, ...], method: str) -> bool:
    """One of `roles`, or a read-only role reading (GET) what a role of `roles` reads (server.accounts.roles)."""
    return role in roles or (method in READING and READS_AS.get(role) in roles)


def _require(*roles: Role) -> Any:
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not allowed(current_user(connection).role, roles, str(connection.scope.get("method", "GET"))):
            raise PermissionDeniedException()

    guard.__name__ = "requires_" + "_or_".join(role.value for role in roles)
    return guard


requires_admin = _require(Role.ADMIN)
requires_leader_or_admin = _require(Role.ADMIN, Role.LEADER)
requires_township_staff = _require(Role.ADMIN, Role.LEADER, Role.CADRE)
requires_employer = _require(Role.EMPLOYER)
requires_county = _require(Role.COUNTY)
requires_region = _require(Role.CITY, Role.PROVINCE)
requires_township_staff_or_county = _require(Role.ADMIN, Role.LEADER, Role.CADRE, Role.COUNTY)
requires_inspector = _require(Role.INSPECTOR)
# Verification calls, their figures and photos used twice: the township office and the inspection group only.
requires_admin_or_inspector = _require(Role.ADMIN, Role.INSPECTOR)
# Spot checks and rectification: the township's staff (a finding's responsible person) and the inspection group.
requires_township_member = _require(Role.ADMIN, Role.LEADER, Role.CADRE, Role.INSPECTOR)
# Spot checks: the township's office and leaders read them, the inspection group plans and records them.
SPOT_CHECK_READERS = (Role.ADMIN, Role.LEADER, Role.INSPECTOR)
requires_leader_admin_or_inspector = _require(*SPOT_CHECK_READERS)
# Statistics: the county office on its county, the township's office and leaders (and inspectors, reading) on theirs.
requires_statistics_reader = _require(Role.COUNTY, Role.ADMIN, Role.LEADER)
