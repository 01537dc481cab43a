"""Keeping accounts: a township admin keeps the township's staff, the county office its township admins and its own
staff. Whose accounts an office keeps is decided here, in the WHERE clause, once (`AccountScope`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from piccolo.querystring import QueryString

from server.accounts.passwords import hash_password
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser, end_sessions_of
from server.accounts.tables import User
from server.audit.queries import record
from server.i18n import N_
from server.piccolo_conf import DB
from server.places.tables import Township, Village
from server.savepoints import undone_on_conflict

NOTHING = -1

# The roles each office gives; employers' accounts come with their company (server/employers).
TOWNSHIP_KEPT = (Role.CADRE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
COUNTY_KEPT = (Role.ADMIN, Role.COUNTY)

USERNAME_TAKEN = N_("This username is already used.")
PHONE_TAKEN = N_("This phone number is already used by another account.")


@dataclass(frozen=True)
class AccountScope:
    """The accounts an office keeps: `county_id` set for the county office, else the township's."""

    township_id: int | None
    county_id: int | None
    roles: tuple[Role, ...]
    base: str  # where its pages are

    @property
    def is_county(self) -> bool:
        return self.county_id is not None

    def condition(self, alias: str = "u") -> QueryString:
        if self.county_id is not None:
            return QueryString(
                f"(({alias}.role = 'county' AND {alias}.county = {{}}) OR ({alias}.role = 'admin' AND {alias}.township"
                " IN (SELECT id FROM township WHERE county = {})))",
                self.county_id,
                self.county_id,
            )
        return QueryString(
            f"({alias}.township = {{}} AND {alias}.role IN ('admin', 'leader', 'cadre', 'inspector'))",
            self.township_id or NOTHING,
        )


def scope_of(user: CurrentUser) -> AccountScope:
    if user.role is Role.COUNTY:
        return AccountScope(None, user.county_id or NOTHING, COUNTY_KEPT, "/county/users")
    return AccountScope(user.township_id or NOTHING, None, TOWNSHIP_KEPT, "/admin/users")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    phone: str | None
    title: str
    unit: str
    village: int | None
    village_name: str | None
    township: int | None
    township_name: str | None
    is_active: bool
    locked_until: datetime | None
    must_change_password: bool
    pairings: int  # households the person is responsible for now


_ACCOUNTS = """
SELECT u.id, u.username, u.display_name, u.role, u.phone, u.title, u.unit, u.village, v.name AS village_name,
       u.township, t.name AS township_name, u.is_active, u.locked_until, u.must_change_password,
       (SELECT count(*) FROM pairing p WHERE p.cadre = u.id AND p.ended_on IS NULL) AS pairings
FROM app_user u LEFT JOIN village v ON v.id = u.village LEFT JOIN township t ON t.id = u.township
WHERE {} AND {}
ORDER BY u.is_active DESC, t.code NULLS FIRST, u.role, u.display_name, u.id
LIMIT {}
"""


@dataclass(frozen=True)
class AccountFilter:
    """What the list of accounts is narrowed to: a text search, a role of the office's, a place (a village for a
    township, a township for the county office); empty is everything."""

    search: str = ""
    role: str = ""
    place: int | None = None

    def condition(self, scope: AccountScope) -> QueryString:
        parts = [QueryString("true")]
        if self.search:
            like = f"%{self.search}%"
            found = "(u.display_name ILIKE {} OR u.username ILIKE {} OR u.title ILIKE {})"
            parts.append(QueryString(found, like, like, like))
        if self.role in {role.value for role in scope.roles}:
            parts.append(QueryString("u.role = {}", self.role))
        if self.place is not None:
            parts.append(QueryString("u.township = {}" if scope.is_county else "u.village = {}", self.place))
        return QueryString(" AND ".join(["{}"] * len(parts)), *parts)


EVERY_ACCOUNT = AccountFilter()


async def accounts_in(scope: AccountScope, narrowed: AccountFilter = EVERY_ACCOUNT, limit: int = 200) -> list[Account]:
    rows = await User.raw(_ACCOUNTS, scope.condition(), narrowed.condition(scope), limit)
    return [Account(**row) for row in rows]


async def account_in(scope: AccountScope, user_id: int) -> Account | None:
    rows = await User.raw(_ACCOUNTS, scope.condition(), QueryString("u.id = {}", user_id), 1)
    return Account(**rows[0]) if rows else None


async def villages_for(scope: AccountScope) -> list[dict[str, Any]]:
    """The open villages an account of this scope may be based in (none for the county office)."""
    if scope.is_county:
        return []
    return await (
        Village.select(Village.id, Village.name)
        .where((Village.township == scope.township_id) & Village.closed_on.is_null())
        .order_by(Village.code)
    )


async def townships_for(scope: AccountScope) -> list[dict[str, Any]]:
    if not scope.is_county:
        return []
    return (
        await Township.select(Township.id, Township.name)
        .where(Township.county == scope.county_id)
        .order_by(Township.code)
    )


class Taken(Exception):
    """A username or phone another account has (the unique index said so): `field` and its message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _taken(error: asyncpg.UniqueViolationError) -> Taken:
    if "phone" in (error.constraint_name or ""):
        return Taken("phone", PHONE_TAKEN)
    return Taken("username", USERNAME_TAKEN)


def _place(scope: AccountScope, values: dict[str, Any]) -> dict[str, Any]:
    """Where the account belongs: its township (the office's own, or the county's chosen one) and county."""
    if values["role"] == Role.COUNTY:
        return {"county": scope.county_id, "township": None, "village": None}
    township = values.get("township") if scope.is_county else scope.township_id
    return {"county": None, "township": township, "village": values.get("village")}


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "password"}


async def create_account(actor: CurrentUser, ip: str, scope: AccountScope, values: dict[str, Any]) -> int:
    """A new account with a temporary password it must change at the first login; raises `Taken`."""
    password_hash = await asyncio.to_thread(hash_password, values["password"])
    row = {k: v for k, v in values.items() if k not in ("password", "township", "village")}
    try:
        async with undone_on_conflict():
            [created] = await User.insert(
                User(**row, **_place(scope, values), password_hash=password_hash, must_change_password=True)
            )
            await record(
                "user_created",
                actor=actor,
                target_type="user",
                target_id=created["id"],
                ip=ip,
                detail={"changes": {k: [None, v] for k, v in _shown(values).items() if v not in (None, "")}},
            )
    except asyncpg.UniqueViolationError as error:
        raise _taken(error) from error
    return int(created["id"])


async def update_account(
    actor: CurrentUser, ip: str, scope: AccountScope, account: Account, values: dict[str, Any]
) -> None:
    """Save the edited account (its username stays); raises `Taken`."""
    new = {k: v for k, v in values.items() if k not in ("username", "password", "township", "village")}
    new.update(_place(scope, values))
    old = {k: getattr(account, k) for k in ("display_name", "role", "phone", "title", "unit", "township", "village")}
    diff = {k: [old.get(k), v] for k, v in new.items() if k in old and old.get(k) != v}
    if not diff:
        return
    try:
        async with undone_on_conflict():
            await User.update({getattr(User, k): v for k, v in new.items()}).where(User.id == account.id)
            await record("user_changed", actor=actor, target_type="user", target_id=account.id, ip=ip,
                         detail={"changes": diff})  # fmt: skip
    except asyncpg.UniqueViolationError as error:
        raise _taken(error) from error
    if "role" in diff or "township" in diff or "village" in diff:
        await end_sessions_of(account.id)  # what the person may see changed: a fresh login shows it


async def set_active(actor: CurrentUser, ip: str, account: Account, active: bool) -> int:
    """Enable or disable; disabling ends the person's sessions. Refused (the number of households returned, nothing
    changed) while the person is still responsible for households: they are handed over first."""
    async with DB.transaction():
        # The row lock keeps a pairing that is being made for this person from slipping past the count.
        await User.raw("SELECT id FROM app_user WHERE id = {} FOR UPDATE", account.id)
        if not active:
            held = await User.raw("SELECT count(*) AS n FROM pairing WHERE cadre = {} AND ended_on IS NULL", account.id)
            if held[0]["n"]:
                return int(held[0]["n"])
        await User.update({User.is_active: active, User.failed_logins: 0, User.locked_until: None}).where(
            User.id == account.id
        )
        await record("user_enabled" if active else "user_disabled", actor=actor, target_type="user",
                     target_id=account.id, ip=ip)  # fmt: skip
    if not active:
        await end_sessions_of(account.id)
    return 0


async def reset_password(actor: CurrentUser, ip: str, account: Account, temporary: str) -> None:
    """A temporary password the person must change at the next login; unlocks, ends their sessions."""
    new_hash = await asyncio.to_thread(hash_password, temporary)
    async with DB.transaction():
        await User.update(
            {
                User.password_hash: new_hash,
                User.must_change_password: True,
                User.failed_logins: 0,
                User.locked_until: None,
            }
        ).where(User.id == account.id)
        await record("password_reset", actor=actor, target_type="user", target_id=account.id, ip=ip)
    await end_sessions_of(account.id)
