"""Writing to and reading from the audit trail: the one place that records what happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.audit.tables import AuditEvent
from server.observability.logs import request_id

if TYPE_CHECKING:
    from server.accounts.sessions import CurrentUser


@dataclass(frozen=True)
class Actor:
    """Who made a change and from where, for its audit event."""

    user: CurrentUser
    ip: str


async def record(
    action: str,
    *,
    actor: CurrentUser | None = None,
    actor_id: int | None = None,
    actor_label: str = "",
    target_type: str = "",
    target_id: object = "",
    ip: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event, by `actor` (a logged-in user) or by `actor_id`/`actor_label` (e.g. a login attempt).

    Runs inside the caller's transaction when there is one.
    """
    if actor is not None:
        actor_id, actor_label = actor.id, actor_label or actor.username
    await AuditEvent.insert(
        AuditEvent(
            actor=actor_id,
            actor_label=actor_label[:80],
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            ip=ip,
            detail=detail or {},
            request_id=request_id.get(),
        )
    )


async def recent_events(action: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return await query
