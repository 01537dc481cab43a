"""Handing over: a cadre leaves or moves, and all their households go to another cadre (or are shared out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from server.i18n import N_
from server.pairing.assistant import load_situation, plan
from server.pairing.changes import Actor, PairingError, atomic, end_one, insert_pairing, lock_cadres
from server.pairing.queries import HEAD_NAME_SQL, cadre_brief
from server.pairing.tables import Pairing


@dataclass(frozen=True)
class HandoverResult:
    moved: int  # households now with a new responsible cadre
    kept: int  # households whose new cadre was already their other responsible cadre


async def active_pairings_of(cadre_id: int, township_id: int | None) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in await Pairing.raw(
            f"SELECT p.id, p.household, p.cadre, p.rank, p.started_on, c.display_name AS cadre_name,"
            f" h.code, h.village AS village_id, v.name AS village, {HEAD_NAME_SQL} AS head"
            " FROM pairing p JOIN app_user c ON c.id = p.cadre JOIN household h ON h.id = p.household"
            " JOIN village v ON v.id = h.village WHERE p.cadre = {} AND p.ended_on IS NULL AND v.township = {}"
            " ORDER BY v.code, h.code",
            cadre_id,
            township_id or -1,
        )
    ]


async def targets_for(actor: Actor, pairings: list[dict[str, Any]], to_cadre: int | None) -> dict[int, int]:
    """household id -> new cadre id: the chosen cadre for all, or the assistant's rule household by household."""
    town = actor.user.township_id
    situation = await load_situation(town)
    if to_cadre is not None:
        target = await cadre_brief(town, to_cadre)
        if target is None or not target["is_active"]:
            raise PairingError(N_("Choose an active leader or party member cadre of this township."))
        if situation.quotas.maximum is not None and target["households"] + len(pairings) > situation.quotas.maximum:
            raise PairingError(
                N_("%(name)s would have more than the maximum of %(n)s households."),
                {"name": target["display_name"], "n": situation.quotas.maximum},
            )
        return {p["household"]: to_cadre for p in pairings}
    households = [{**p, "id": p["household"]} for p in pairings]
    proposals = plan(situation, households, exclude=[pairings[0]["cadre"]])
    if len(proposals) < len(households):
        raise PairingError(N_("Not every household can be shared out: every other cadre is at the maximum."))
    return {p.household_id: p.cadre_id for p in proposals}


async def hand_over(
    actor: Actor, from_cadre: int, to_cadre: int | None, on: date, reason: str, only: set[int] | None = None
) -> HandoverResult:
    """End the active pairings of `from_cadre` (all, or those of the households `only` names) on `on` and start the
    new ones, in one transaction."""
    leaving = await cadre_brief(actor.user.township_id, from_cadre)
    if leaving is None:
        raise LookupError(from_cadre)
    if to_cadre == from_cadre:
        raise PairingError(N_("Choose a different cadre to hand the households over to."))
    everyone = await active_pairings_of(from_cadre, actor.user.township_id)
    pairings = [p for p in everyone if only is None or p["household"] in only]
    if not pairings:
        raise PairingError(N_("%(name)s has no household to hand over."), {"name": leaving["display_name"]})
    if any(on < p["started_on"] for p in pairings):
        raise PairingError(N_("A pairing cannot end before it started."))
    targets = await targets_for(actor, pairings, to_cadre)
    names = {c["id"]: c for c in await _briefs(actor, set(targets.values()))}
    moved = kept = 0
    async with atomic():
        await lock_cadres({from_cadre, *targets.values()})
        for pairing in pairings:
            await end_one(actor, pairing, on, reason)
        for pairing in pairings:
            new = targets[pairing["household"]]
            if await Pairing.exists().where(
                (Pairing.household == pairing["household"]) & (Pairing.cadre == new) & Pairing.ended_on.is_null()
            ):
                kept += 1
                continue
            await insert_pairing(actor, pairing["household"], names[new], pairing["rank"], on, reason)
            moved += 1
    return HandoverResult(moved, kept)


async def _briefs(actor: Actor, cadre_ids: set[int]) -> list[dict[str, Any]]:
    return [b for cadre_id in cadre_ids if (b := await cadre_brief(actor.user.township_id, cadre_id))]
