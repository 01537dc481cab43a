"""Guards: plain functions that refuse a request before the handler runs."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from server.accounts.roles import Role
from server.web.auth import current_user


def _require(*roles: Role) -> Any:
    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if current_user(connection).role not in roles:
            raise PermissionDeniedException()

    guard.__name__ = "requires_" + "_or_".join(role.value for role in roles)
    return guard


requires_admin = _require(Role.ADMIN)
requires_leader_or_admin = _require(Role.ADMIN, Role.LEADER)
requires_township_staff = _require(Role.ADMIN, Role.LEADER, Role.CADRE)
requires_employer = _require(Role.EMPLOYER)
requires_county = _require(Role.COUNTY)
requires_township_staff_or_county = _require(Role.ADMIN, Role.LEADER, Role.CADRE, Role.COUNTY)
