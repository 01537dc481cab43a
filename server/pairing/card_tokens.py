"""Door card tokens: issued when a card is first printed, revoked when a card is reprinted, looked up when scanned."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from server.audit.queries import record
from server.pairing.tables import DoorCard
from server.piccolo_conf import DB

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")  # secrets.token_urlsafe(16): 128 random bits


@dataclass(frozen=True)
class ScannedCard:
    """A card in force, as its public page needs it: which household (never shown), which township."""

    id: int
    household: int
    township: int
    village_name: str


def card_path(token: str) -> str:
    return f"/c/{token}"


async def tokens_for(household_ids: list[int], issued_by: int | None) -> dict[int, str]:
    """The token of each household's card in force, issuing one where there is none yet (two statements)."""
    if not household_ids:
        return {}
    rows = [(household, secrets.token_urlsafe(16), issued_by) for household in household_ids]
    await DoorCard.raw(
        "INSERT INTO door_card (household, token, issued_by, issued_at)"
        " SELECT x.household, x.token, x.issued_by, now()"
        " FROM unnest({}::int[], {}::text[], {}::int[]) AS x(household, token, issued_by)"
        " ON CONFLICT (household) WHERE revoked_at IS NULL DO NOTHING",
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
    )
    cards = await DoorCard.select(DoorCard.household, DoorCard.token).where(
        DoorCard.household.is_in(household_ids) & DoorCard.revoked_at.is_null()
    )
    return {row["household"]: row["token"] for row in cards}


async def renew(household_id: int, user_id: int, ip: str) -> str:
    """Revoke the card in force and issue a new token, in one transaction: the old QR opens nothing any more."""
    async with DB.transaction():
        now = datetime.now(UTC)
        revoked = (
            await DoorCard.update({DoorCard.revoked_at: now, DoorCard.revoked_by: user_id})
            .where((DoorCard.household == household_id) & DoorCard.revoked_at.is_null())
            .returning(DoorCard.id)
        )
        token = secrets.token_urlsafe(16)
        try:
            await DoorCard.insert(DoorCard(household=household_id, token=token, issued_by=user_id, issued_at=now))
        except asyncpg.UniqueViolationError:  # renewed at the same moment by someone else: theirs stands
            raise CardRenewedMeanwhile() from None
        await record(
            "door_card_renewed",
            actor_id=user_id,
            target_type="household",
            target_id=household_id,
            ip=ip,
            detail={"revoked": [row["id"] for row in revoked]},
        )
    return token


class CardRenewedMeanwhile(Exception):
    """Another admin renewed the same card at the same moment."""


async def card_in_force(token: str) -> ScannedCard | None:
    """The card for a scanned token; None for a malformed, unknown or revoked token (they all look the same)."""
    if not TOKEN.match(token):
        return None
    rows = await DoorCard.raw(
        "SELECT c.id, c.household, v.township, v.name AS village_name FROM door_card c"
        " JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village"
        " WHERE c.token = {} AND c.revoked_at IS NULL",
        token,
    )
    return ScannedCard(**rows[0]) if rows else None
