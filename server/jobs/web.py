"""What the jobs area's controllers share: the form body type, the guards (404 for outsiders), and a few helpers."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body
from litestar.response import Template

from server.accounts.roles import Role
from server.audit.queries import record
from server.jobs import codes
from server.web.auth import client_ip, current_user
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


# Guards are coroutine functions, so Litestar runs them on the event loop (see server.web.guards).
async def staff_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Township staff only; anyone else (an employer) is told the page does not exist."""
    if not current_user(connection).is_township_staff:
        raise NotFoundException()


async def leaders_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if current_user(connection).role not in (Role.ADMIN, Role.LEADER):
        raise NotFoundException()


async def employers_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if current_user(connection).role is not Role.EMPLOYER or current_user(connection).employer_id is None:
        raise NotFoundException()


def int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


async def render(request: AnyRequest, template_name: str, **context: Any) -> Template:
    """`page` with the jobs area's code lists as `jc` (labels of work kinds, pay units, statuses...)."""
    return await page(request, template_name, jc=codes, **context)


async def audit(request: AnyRequest, action: str, target_type: str, target_id: object, **detail: Any) -> None:
    """One audit event by the current user, from the request's address."""
    user = current_user(request)
    await record(
        action,
        actor=user,
        target_type=target_type,
        target_id=target_id,
        ip=client_ip(request),
        detail=detail,
    )
