"""Starting, ending and handing over pairings: checks, one transaction, database rules, audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.codes import CodeList, TrailFields
from server.i18n import N_, gettext
from server.pairing.queries import cadre_brief, household_brief
from server.pairing.rules import township_quotas
from server.pairing.tables import Pairing
from server.piccolo_conf import DB

LOCK_NAMESPACE = 5_0002  # pg_advisory_xact_lock(namespace, cadre): one new pairing of a cadre at a time
RANK_LABELS = {1: N_("first responsible cadre"), 2: N_("second responsible cadre")}
# Its events in the audit trail (this module, server.pairing.card_tokens and card_controller) as the audit page reads
# them.
TRAIL = TrailFields(
    actions=("pairing_started", "pairing_ended", "door_card_renewed", "door_cards_opened", "coverage_exported"),
    labels={
        "responsible_cadre": N_("Responsible cadre"),
        "pairing": N_("Pairing no."),
        "cadre": N_("Cadre"),
        "rank": N_("Rank"),
        "started_on": N_("Start date"),
        "ended_on": N_("End date"),
        "reason": N_("Reason"),
        "revoked": N_("Door cards revoked, no."),
        "cards": N_("Door cards"),
    },
    codes={"rank": CodeList(*((str(rank), label) for rank, label in RANK_LABELS.items()))},
    refs={"cadre": "user"},
)
CONSTRAINT_MESSAGES = {
    "pairing_one_active_per_cadre": N_("This cadre is already responsible for this household."),
    "pairing_one_active_per_rank": N_("This household already has a %(rank)s. End that pairing first."),
    "pairing_ends_after_start": N_("A pairing cannot end before it started."),
    "pairing_cadre_is_active": N_("This cadre's account was disabled meanwhile: choose another cadre."),
}


@dataclass
class PairingError(Exception):
    """A rule the change would break: `message` is a msgid, `values` its variables."""

    message: str
    values: dict[str, Any] = field(default_factory=dict)
    conflict: bool = False  # found under the lock: a simultaneous change got there first (409, not 422)

    @property
    def status_code(self) -> int:
        return 409 if self.conflict else 422


@dataclass(frozen=True)
class Actor:
    """Who changes pairings, as the audit trail records them."""

    user: CurrentUser
    ip: str = ""


@asynccontextmanager
async def atomic(rank: int = 1) -> AsyncIterator[None]:
    """All or nothing, also inside an outer transaction (a savepoint); a broken database rule becomes a message."""
    async with DB.transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            yield
        except (asyncpg.UniqueViolationError, asyncpg.CheckViolationError) as error:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            name = getattr(error, "constraint_name", "") or ""
            message = CONSTRAINT_MESSAGES.get(name, N_("Someone changed these pairings at the same time. Try again."))
            raise PairingError(message, {"rank": gettext(RANK_LABELS.get(rank, ""))}, conflict=True) from error
        except BaseException:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise
        else:
            await savepoint.release()  # type: ignore[no-untyped-call]


async def check_pairing(user: CurrentUser, household_id: int, cadre_id: int, rank: int) -> tuple[dict[str, Any], ...]:
    """The household (404 outside the scope) and cadre, or a PairingError saying which rule is broken."""
    household = await household_brief(user, household_id)
    if household is None or household["township_id"] != user.township_id:
        raise LookupError(household_id)
    if not household["eligible"]:
        raise PairingError(N_("This household is neither registered nor monitored: it needs no responsible cadre."))
    cadre = await cadre_brief(user.township_id, cadre_id)
    if cadre is None:
        raise PairingError(N_("Choose a leader or party member cadre of this township."))
    if not cadre["is_active"]:
        raise PairingError(N_("%(name)s's account is disabled: choose another cadre."), {"name": cadre["display_name"]})
    if rank not in RANK_LABELS:
        raise PairingError(N_("Choose first or second responsible cadre."))
    active = await Pairing.select(Pairing.cadre, Pairing.rank).where(
        (Pairing.household == household_id) & Pairing.ended_on.is_null()
    )
    if any(row["cadre"] == cadre_id for row in active):
        raise PairingError(CONSTRAINT_MESSAGES["pairing_one_active_per_cadre"])
    if any(row["rank"] == rank for row in active):
        raise PairingError(CONSTRAINT_MESSAGES["pairing_one_active_per_rank"], {"rank": gettext(RANK_LABELS[rank])})
    quotas = await township_quotas(user.township_id)
    if quotas.is_full(cadre["households"]):
        raise PairingError(
            N_("%(name)s already has the maximum of %(n)s households."),
            {"name": cadre["display_name"], "n": quotas.maximum},
        )
    return household, cadre


async def lock_cadres(cadre_ids: set[int]) -> None:
    """Take the pairing lock of every cadre a change of several pairings touches (the lock `insert_pairing` takes for
    one), in id order, before it writes anything (inside its `atomic`). Otherwise two such changes sharing two cadres
    (two handovers between them, in opposite directions; two sets of proposals accepted) each held one cadre (its lock,
    or its kept count's row that the triggers lock with every statement) and waited for the other."""
    await Pairing.raw(
        "SELECT pg_advisory_xact_lock({}, cadre) FROM (SELECT DISTINCT cadre FROM unnest({}::integer[]) cadre"
        " ORDER BY cadre OFFSET 0) ordered",
        LOCK_NAMESPACE,
        list(cadre_ids),
    )


async def insert_pairing(
    actor: Actor, household_id: int, cadre: dict[str, Any], rank: int, started_on: date, reason: str
) -> int:
    """Write one pairing and its audit events (the caller runs it inside `atomic`). The cadre's maximum is counted
    again under a lock on the cadre, so simultaneous pairings of one cadre cannot go past it."""
    await Pairing.raw("SELECT pg_advisory_xact_lock({}, {})", LOCK_NAMESPACE, cadre["id"])
    quotas = await township_quotas(actor.user.township_id)
    if quotas.maximum is not None:
        held = await Pairing.count().where((Pairing.cadre == cadre["id"]) & Pairing.ended_on.is_null())
        if quotas.is_full(held):
            raise PairingError(
                N_("%(name)s already has the maximum of %(n)s households."),
                {"name": cadre["display_name"], "n": quotas.maximum},
                conflict=True,
            )
    [row] = await Pairing.insert(
        Pairing(
            household=household_id,
            cadre=cadre["id"],
            rank=rank,
            started_on=started_on,
            start_reason=reason[:200],
            created_by=actor.user.id,
        )
    )
    pairing_id = int(row["id"])
    detail = {
        "pairing": pairing_id,
        "cadre": cadre["id"],
        "rank": rank,
        "changes": {"responsible_cadre": [None, cadre["display_name"]]},
        "started_on": started_on.isoformat(),
        "reason": reason[:200],
    }
    await _audit(actor, "pairing_started", household_id, pairing_id, detail)
    return pairing_id


async def pair(actor: Actor, household_id: int, cadre_id: int, rank: int, started_on: date, reason: str) -> int:
    """Make `cadre_id` the first or second responsible cadre of a household; returns the pairing id."""
    _, cadre = await check_pairing(actor.user, household_id, cadre_id, rank)
    async with atomic(rank):
        return await insert_pairing(actor, household_id, cadre, rank, started_on, reason)


@dataclass(frozen=True)
class Ending:
    """What ending a pairing did, or would do: `uncovers` when it is the household's last active pairing."""

    pairing: dict[str, Any]
    uncovers: bool
    done: bool


async def active_pairing(user: CurrentUser, pairing_id: int) -> dict[str, Any] | None:
    rows = await Pairing.raw(
        "SELECT p.id, p.household, p.cadre, p.rank, p.started_on, c.display_name AS cadre_name,"
        " (SELECT count(*) FROM pairing o WHERE o.household = p.household AND o.ended_on IS NULL) AS active_count"
        " FROM pairing p JOIN app_user c ON c.id = p.cadre JOIN household h ON h.id = p.household"
        " JOIN village v ON v.id = h.village WHERE p.id = {} AND p.ended_on IS NULL AND v.township = {}",
        pairing_id,
        user.township_id or -1,
    )
    return dict(rows[0]) if rows else None


async def end(actor: Actor, pairing_id: int, ended_on: date, reason: str, confirmed: bool) -> Ending:
    """End an active pairing (kept as history). The last one of a household needs `confirmed`."""
    pairing = await active_pairing(actor.user, pairing_id)
    if pairing is None:
        raise LookupError(pairing_id)
    if ended_on < pairing["started_on"]:
        raise PairingError(CONSTRAINT_MESSAGES["pairing_ends_after_start"])
    uncovers = pairing["active_count"] <= 1
    if uncovers and not confirmed:
        return Ending(pairing, uncovers=True, done=False)
    async with atomic(pairing["rank"]):
        await end_one(actor, pairing, ended_on, reason)
    return Ending(pairing, uncovers=uncovers, done=True)


async def end_one(actor: Actor, pairing: dict[str, Any], ended_on: date, reason: str) -> None:
    """Close one pairing and record it (inside the caller's `atomic`)."""
    updated = await Pairing.raw(
        "UPDATE pairing SET ended_on = {}, end_reason = {}, ended_by = {} WHERE id = {} AND ended_on IS NULL"
        " RETURNING id",
        ended_on,
        reason[:200],
        actor.user.id,
        pairing["id"],
    )
    if not updated:
        raise PairingError(N_("Someone changed these pairings at the same time. Try again."), conflict=True)
    detail = {
        "pairing": pairing["id"],
        "cadre": pairing["cadre"],
        "rank": pairing["rank"],
        "changes": {"responsible_cadre": [pairing["cadre_name"], None]},
        "ended_on": ended_on.isoformat(),
        "reason": reason[:200],
    }
    await _audit(actor, "pairing_ended", pairing["household"], pairing["id"], detail)


async def _audit(actor: Actor, action: str, household_id: int, pairing_id: int, detail: dict[str, Any]) -> None:
    """One event on the household (its history reads these) and one on the pairing itself."""
    user = actor.user
    for target_type, target_id in (("household", household_id), ("pairing", pairing_id)):
        await record(
            action,
            actor=user,
            target_type=target_type,
            target_id=target_id,
            ip=actor.ip,
            detail=detail,
        )


def can_manage(user: CurrentUser) -> bool:
    return user.role in (Role.ADMIN, Role.LEADER)


async def accept_all(actor: Actor, pairs: list[tuple[int, int, int]], started_on: date, reason: str) -> int:
    """Accept several proposals (household, cadre, rank) in one transaction: all of them, or none."""
    async with atomic():
        await lock_cadres({cadre_id for _, cadre_id, _ in pairs})
        for household_id, cadre_id, rank in pairs:
            _, cadre = await check_pairing(actor.user, household_id, cadre_id, rank)
            await insert_pairing(actor, household_id, cadre, rank, started_on, reason)
    return len(pairs)
