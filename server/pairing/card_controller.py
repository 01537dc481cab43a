"""Door cards: one household's printable card, a village's sheet of cards, and where a scanned card leads."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.audit.queries import record
from server.i18n import N_
from server.pairing.card_tokens import CardRenewedMeanwhile, renew
from server.pairing.cards import cards
from server.pairing.tables import Pairing
from server.places.tables import Village
from server.scope import can_see_household, village_scope
from server.web.auth import client_ip, current_user
from server.web.guards import requires_admin
from server.web.steps import done
from server.web.templating import page


class CardController(Controller):
    """Scope decides (404 outside it): the card shows the responsible cadres' phones, for the household to call."""

    @get("/households/{household_id:int}/card")
    async def card(self, request: Request[Any, Any, Any], household_id: FromPath[int]) -> Template:
        rows = await cards(current_user(request), str(request.base_url), household_id=household_id)
        if not rows:
            raise NotFoundException()
        await _audit(request, "household", household_id)
        return await page(request, "pairing/card.html", cards=rows, can_renew=current_user(request).is_admin)

    @get("/pairings/villages/{village_id:int}/cards")
    async def sheet(self, request: Request[Any, Any, Any], village_id: FromPath[int]) -> Template:
        user = current_user(request)
        village = (
            await Village.select(Village.id, Village.name)
            .where((Village.id == village_id) & village_scope(user))
            .first()
        )
        if village is None:
            raise NotFoundException()
        rows = await cards(user, str(request.base_url), village_id=village_id)
        await _audit(request, "village", village_id, count=len(rows))
        return await page(request, "pairing/cards.html", cards=rows, village=village)

    @post("/households/{household_id:int}/card/renew", guards=[requires_admin])
    async def renew(self, request: Request[Any, Any, Any], household_id: FromPath[int]) -> Redirect:
        """A lost or misused card: its token stops working at once, and the card printed now carries a new one."""
        if not await can_see_household(current_user(request), household_id):
            raise NotFoundException()
        with suppress(CardRenewedMeanwhile):  # renewed a moment ago by someone else: their new card is in force
            await renew(household_id, current_user(request).id, client_ip(request))
        message = N_("The old card no longer works. Print the new card and put it on the door.")
        return await done(request, message, f"/households/{household_id}/card")

    @get("/pairings/cards")
    async def chosen(self, request: Request[Any, Any, Any], household: FromQuery[list[int]]) -> Template:
        """The cards of the households ticked in a list (the register at the desk), four per A4 page."""
        rows = await cards(current_user(request), str(request.base_url), household_ids=household[:200])
        await _audit(request, "household", rows[0]["id"] if rows else 0, count=len(rows))
        return await page(request, "pairing/cards.html", cards=rows, village=None)

    @get("/households/{household_id:int}/card/scan")
    async def scan(self, request: Request[Any, Any, Any], household_id: FromPath[int]) -> Redirect:
        """Cards printed before door card tokens: the responsible cadre records a visit, others open the household."""
        user = current_user(request)
        if not await can_see_household(user, household_id):
            raise NotFoundException()
        responsible = await Pairing.exists().where(
            (Pairing.household == household_id) & (Pairing.cadre == user.id) & Pairing.ended_on.is_null()
        )
        target = f"/households/{household_id}/visits/new" if responsible else f"/households/{household_id}"
        return Redirect(path=target, status_code=303)


async def _audit(request: Request[Any, Any, Any], target_type: str, target_id: int, count: int = 1) -> None:
    """A card shows cadres' full phone numbers: opening one is recorded like any other reveal."""
    user = current_user(request)
    await record(
        "door_cards_opened", actor=user, target_type=target_type,
        target_id=target_id, ip=client_ip(request), detail={"cards": count},
    )  # fmt: skip
