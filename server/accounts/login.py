"""The login decision: lockout, one message for every failure, audit of each attempt."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from server.accounts import queries
from server.accounts.passwords import verify_password
from server.accounts.sessions import start_session
from server.audit.queries import record
from server.i18n import N_
from server.observability.metrics import LOCKOUTS, LOGIN_FAILURES


@dataclass(frozen=True)
class LoginOutcome:
    token: str | None = None
    error: str | None = None  # msgid
    locked_until: datetime | None = None


WRONG_CREDENTIALS = N_("Wrong username or password.")


async def attempt_login(login: str, password: str, *, ip: str, user_agent: str) -> LoginOutcome:
    candidate = await queries.find_login_candidate(login)
    if candidate and candidate.locked_until and candidate.locked_until > datetime.now(UTC):
        await record("login_refused_locked", actor_id=candidate.id, actor_label=login, ip=ip)
        LOGIN_FAILURES.labels("locked").inc()
        return LoginOutcome(locked_until=candidate.locked_until)
    # Always verify (against a dummy hash for unknown users) so timing does not tell who exists.
    verified = await asyncio.to_thread(verify_password, candidate.password_hash if candidate else None, password)
    if candidate is None:
        await record("login_failed", actor_label=login, ip=ip, detail={"reason": "unknown_user"})
        LOGIN_FAILURES.labels("unknown_user").inc()
        return LoginOutcome(error=WRONG_CREDENTIALS)
    if not verified:
        locked_until = await queries.record_failed_login(candidate.id)
        await record("login_failed", actor_id=candidate.id, actor_label=login, ip=ip)
        LOGIN_FAILURES.labels("wrong_password").inc()
        if locked_until:
            await record("account_locked", actor_id=candidate.id, actor_label=login, ip=ip)
            LOCKOUTS.inc()
        return LoginOutcome(error=WRONG_CREDENTIALS)
    await queries.record_successful_login(candidate.id)
    await record("login", actor_id=candidate.id, actor_label=login, ip=ip)
    return LoginOutcome(token=await start_session(candidate.id, user_agent))
