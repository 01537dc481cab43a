"""Account queries: login attempts and lockout, creating users, the user's own settings (offices keep accounts
through server/accounts/admin.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.accounts.passwords import hash_password
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.accounts.tables import User
from server.audit.queries import record
from server.piccolo_conf import DB

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=30)


@dataclass(frozen=True)
class LoginCandidate:
    id: int
    username: str
    password_hash: str
    locked_until: datetime | None


async def find_login_candidate(login: str) -> LoginCandidate | None:
    """The active user whose username or phone is `login`."""
    row = (
        await User.select(User.id, User.username, User.password_hash, User.locked_until)
        .where((User.is_active == True) & ((User.username == login) | (User.phone == login)))  # noqa: E712
        .first()
    )
    return LoginCandidate(**row) if row else None


async def record_failed_login(user_id: int) -> datetime | None:
    """Count a failure atomically; returns the lock's end when this failure locked the account."""
    rows = await User.raw(
        "UPDATE app_user SET failed_logins = CASE WHEN failed_logins + 1 >= {} THEN 0 ELSE failed_logins + 1 END,"
        " locked_until = CASE WHEN failed_logins + 1 >= {} THEN now() + {}::interval ELSE locked_until END"
        " WHERE id = {} RETURNING locked_until, locked_until > now() AS locked",
        MAX_FAILURES,
        MAX_FAILURES,
        LOCK_DURATION,
        user_id,
    )
    return rows[0]["locked_until"] if rows and rows[0]["locked"] else None


async def record_successful_login(user_id: int) -> None:
    await User.raw(
        "UPDATE app_user SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = {}",
        user_id,
    )


async def create_user(
    *,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    display_name: str,
    role: Role,
    region_id: int | None = None,
    county_id: int | None = None,
    township_id: int | None = None,
    village_id: int | None = None,
    employer_id: int | None = None,
    phone: str | None = None,
    title: str = "",
) -> int:
    """Insert a user; give either a password (hashed here) or an existing hash."""
    user = User(
        username=username,
        password_hash=password_hash or await asyncio.to_thread(hash_password, password or ""),
        display_name=display_name,
        role=role.value,
        region=region_id,
        county=county_id,
        township=township_id,
        village=village_id,
        employer=employer_id,
        phone=phone,
        title=title,
    )
    await user.save()
    return int(user.id)


async def username_taken(username: str, phone: str | None = None) -> bool:
    if phone:
        return await User.exists().where((User.username == username) | (User.phone == phone))
    return await User.exists().where(User.username == username)


async def set_locale(user_id: int, locale: str) -> None:
    await User.update({User.locale: locale}).where(User.id == user_id)


async def change_password(user: CurrentUser, new_password: str, ip: str) -> None:
    """The new password and its audit event in one transaction (hashed before the transaction opens)."""
    new_hash = await asyncio.to_thread(hash_password, new_password)
    async with DB.transaction():
        await User.update({User.password_hash: new_hash, User.must_change_password: False}).where(User.id == user.id)
        await record("password_changed", actor=user, ip=ip)


async def password_hash_of(user_id: int) -> str:
    row = await User.select(User.password_hash).where(User.id == user_id).first()
    return str(row["password_hash"]) if row else ""
