"""Server-side sessions in PostgreSQL: they survive restarts and are shared by every worker."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from server.accounts.roles import READS_AS, TOWNSHIP_ROLES, Role
from server.accounts.tables import WebSession
from server.database import fetch_rows

ABSOLUTE_LIFETIME = timedelta(hours=12)
# last_seen_at is written at most this often, so most requests only read.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as every request sees it; the source of every scope decision."""

    id: int
    username: str
    display_name: str
    role: Role
    township_id: int | None
    village_id: int | None
    employer_id: int | None
    locale: str
    session_key: str  # the stored hash of the cookie token
    flash: tuple[str, str] | None = None  # (kind, message) left by the previous action
    county_id: int | None = None  # the county office's county
    region_id: int | None = None  # the city's or province's office: its city or province
    must_change_password: bool = False  # a temporary password set by an admin: only /me/password until changed
    township_name: str = ""  # the user's township with its county, for the headers of their own screens
    village_name: str = ""

    @property
    def place_names(self) -> dict[str, str]:
        """'township' (with its county) and 'village' names for the header of the user's own screens, read with the
        session (server.places.names.place_names reads another place's)."""
        return {"township": self.township_name, "village": self.village_name}

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_leader(self) -> bool:
        return self.role is Role.LEADER

    @property
    def is_cadre(self) -> bool:
        return self.role is Role.CADRE

    @property
    def is_employer(self) -> bool:
        return self.role is Role.EMPLOYER

    @property
    def reads_only(self) -> bool:
        """A read-only role (the inspection group): it reads what the role it reads as reads, and writes none of it
        (server.accounts.roles.READS_AS, which the guards apply)."""
        return self.role in READS_AS

    @property
    def is_township_staff(self) -> bool:
        """Admin, leader or cadre of a township: who works with its households' jobs and trainings."""
        return self.role in TOWNSHIP_ROLES

    @property
    def has_outbox(self) -> bool:
        """Whose phone queues what it sends (visits; the inspection group's findings) and so shows "waiting to send":
        the township's staff and the inspection group, whom the outbox's guard lets in (reading as a leader)."""
        return self.is_township_staff or self.reads_only


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(user_id: int, user_agent: str) -> str:
    """Create a session with a fresh random token (never one the browser sent: no fixation)."""
    token = secrets.token_urlsafe(32)
    await WebSession.insert(WebSession(token_hash=token_hash(token), user=user_id, user_agent=user_agent[:200]))
    return token


_LOAD_SESSION = """
SELECT s.last_seen_at < now() - $1::interval AS stale, s.data -> 'flash' AS flash,
       u.id, u.username, u.display_name, u.role, u.county, u.region, u.township, u.village, u.employer, u.locale,
       u.must_change_password, c.name || ' ' || t.name AS township_name, vl.name AS village_name
FROM web_session s JOIN app_user u ON u.id = s.user
  LEFT JOIN township t ON t.id = u.township LEFT JOIN county c ON c.id = t.county
  LEFT JOIN village vl ON vl.id = u.village
WHERE s.token_hash = $2 AND u.is_active
  AND s.last_seen_at > now() - $3::interval
  AND s.created_at > now() - $4::interval
"""


async def load_session_user(token: str, idle: timedelta) -> CurrentUser | None:
    """The user of a live session; None when unknown, idle too long, too old, or the user is disabled."""
    key = token_hash(token)
    rows = await fetch_rows(_LOAD_SESSION, TOUCH_INTERVAL, key, idle, ABSOLUTE_LIFETIME)
    if not rows:
        return None
    row = rows[0]
    if row["stale"]:
        await WebSession.raw("UPDATE web_session SET last_seen_at = now() WHERE token_hash = {}", key)
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        township_id=row["township"],
        village_id=row["village"],
        employer_id=row["employer"],
        locale=row["locale"],
        session_key=key,
        flash=_flash(row["flash"]),
        county_id=row["county"],
        region_id=row["region"],
        must_change_password=row["must_change_password"],
        township_name=row["township_name"] or "",
        village_name=row["village_name"] or "",
    )


def _flash(raw: str | None) -> tuple[str, str] | None:
    if not raw:
        return None
    kind, message = json.loads(raw)
    return str(kind), str(message)


async def end_session(session_key: str) -> None:
    await WebSession.delete().where(WebSession.token_hash == session_key)


async def end_sessions_of(user_id: int) -> None:
    await WebSession.delete().where(WebSession.user == user_id)


async def set_flash(session_key: str, kind: str, message: str) -> None:
    await WebSession.raw(
        "UPDATE web_session SET data = jsonb_set(data, ARRAY['flash'], {}::jsonb) WHERE token_hash = {}",
        json.dumps([kind, message]),
        session_key,
    )


async def clear_flash(session_key: str) -> None:
    await WebSession.raw("UPDATE web_session SET data = data - 'flash' WHERE token_hash = {}", session_key)
