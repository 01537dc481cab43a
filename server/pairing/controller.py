"""Routes of the pairing tools (/pairings): pair, end, hand over, history, and the assistant."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from server.accounts.sessions import set_flash
from server.clock import today
from server.i18n import N_, gettext
from server.pairing import assistant, changes, coverage, queries
from server.pairing.forms import EndForm, HandoverForm, PairForm, parse_id
from server.pairing.handover import hand_over
from server.pairing.rules import township_quotas
from server.web.auth import client_ip, current_user
from server.web.errors import found
from server.web.guards import requires_leader_or_admin
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def actor(request: Request[Any, Any, Any]) -> changes.Actor:
    return changes.Actor(current_user(request), client_ip(request))


class PairingController(Controller):
    """Admins and leaders pair cadres with households; every change is kept as history and audited."""

    path = "/pairings"
    guards = [requires_leader_or_admin]  # noqa: RUF012

    @get("/")
    async def index(self, request: Request[Any, Any, Any], q: FromQuery[str] = "") -> Template:
        user = current_user(request)
        results = await queries.search_households(user.township_id, q) if q.strip() else []
        figures = (await coverage.coverage(user.township_id)).township
        cadres = await queries.township_cadres(user.township_id)
        quotas = await township_quotas(user.township_id)
        return await page(
            request, "pairing/index.html", fragment="pairing/_search_results.html",
            q=q, results=results, figures=figures, cadres=cadres, quotas=quotas,
        )  # fmt: skip

    @get("/households/{household_id:int}")
    async def household(self, request: Request[Any, Any, Any], household_id: FromPath[int]) -> Template:
        return await self._household_page(request, household_id, PairForm(started_on=today().isoformat()))

    @post("/households/{household_id:int}")
    async def pair(self, request: Request[Any, Any, Any], household_id: FromPath[int], data: Form) -> Any:
        form, status = PairForm.parse(data, today()), 422
        if not form.errors:
            try:
                await changes.pair(
                    actor(request), household_id, int(form.cadre), int(form.rank),
                    date.fromisoformat(form.started_on), form.reason,
                )  # fmt: skip
            except LookupError as missing:
                raise NotFoundException() from missing
            except changes.PairingError as error:
                form.errors["cadre"] = gettext(error.message, **error.values)
                status = error.status_code
        if form.errors:
            return await self._household_page(request, household_id, form, status_code=status)
        await set_flash(current_user(request).session_key, "success", N_("The pairing was saved."))
        return Redirect(path=f"/pairings/households/{household_id}", status_code=303)

    async def _household_page(
        self, request: Request[Any, Any, Any], household_id: int, form: PairForm, status_code: int = 200
    ) -> Template:
        user = current_user(request)
        household = found(await queries.household_brief(user, household_id))
        history = await queries.household_history(user.township_id, household_id)
        cadres = await queries.township_cadres(user.township_id)
        return await page(
            request, "pairing/household.html", status_code=status_code,
            household=household, history=history, cadres=cadres, form=form,
        )  # fmt: skip

    @get("/{pairing_id:int}/end")
    async def end_form(self, request: Request[Any, Any, Any], pairing_id: FromPath[int]) -> Template:
        pairing = found(await changes.active_pairing(current_user(request), pairing_id))
        form = EndForm(ended_on=today().isoformat())
        return await page(request, "pairing/end.html", pairing=pairing, form=form, confirm=False)

    @post("/{pairing_id:int}/end")
    async def end(self, request: Request[Any, Any, Any], pairing_id: FromPath[int], data: Form) -> Any:
        pairing = found(await changes.active_pairing(current_user(request), pairing_id))
        form, status = EndForm.parse(data, today()), 422
        if not form.errors:
            try:
                ending = await changes.end(
                    actor(request), pairing_id, date.fromisoformat(form.ended_on), form.reason, form.confirmed
                )
            except changes.PairingError as error:
                form.errors["ended_on"] = gettext(error.message, **error.values)
                status = error.status_code
            else:
                if not ending.done:
                    return await page(request, "pairing/end.html", pairing=pairing, form=form, confirm=True)
                await set_flash(current_user(request).session_key, "success", N_("The pairing was ended."))
                return Redirect(path=f"/pairings/households/{pairing['household']}", status_code=303)
        return await page(request, "pairing/end.html", pairing=pairing, form=form, confirm=False, status_code=status)

    @get("/cadres/{cadre_id:int}")
    async def cadre(self, request: Request[Any, Any, Any], cadre_id: FromPath[int]) -> Template:
        return await self._cadre_page(request, cadre_id, HandoverForm(on=today().isoformat()))

    @post("/cadres/{cadre_id:int}/handover")
    async def handover(self, request: Request[Any, Any, Any], cadre_id: FromPath[int], data: Form) -> Any:
        form, status = HandoverForm.parse(data, today()), 422
        chosen = {int(v) for v in (await request.form()).getall("household", []) if str(v).isdigit()}
        if not form.errors:
            try:
                result = await hand_over(
                    actor(request), cadre_id, form.target, date.fromisoformat(form.on), form.reason, chosen or None
                )
            except LookupError as missing:
                raise NotFoundException() from missing
            except changes.PairingError as error:
                form.errors["to_cadre"] = gettext(error.message, **error.values)
                status = error.status_code
            else:
                message = N_("%(n)s households were handed over.")
                await set_flash(
                    current_user(request).session_key, "success", gettext(message, n=result.moved + result.kept)
                )
                return Redirect(path=f"/pairings/cadres/{cadre_id}", status_code=303)
        return await self._cadre_page(request, cadre_id, form, status_code=status)

    async def _cadre_page(
        self, request: Request[Any, Any, Any], cadre_id: int, form: HandoverForm, status_code: int = 200
    ) -> Template:
        user = current_user(request)
        cadre = found(await queries.cadre_brief(user.township_id, cadre_id))
        history = await queries.cadre_history(user.township_id, cadre_id)
        others = [c for c in await queries.township_cadres(user.township_id) if c["id"] != cadre_id]
        quotas = await township_quotas(user.township_id)
        return await page(
            request, "pairing/cadre.html", status_code=status_code,
            cadre=cadre, history=history, others=others, form=form, quotas=quotas,
        )  # fmt: skip


class AssistantController(Controller):
    """The pairing assistant: proposals accepted one by one (htmx, the row is replaced) or all at once."""

    path = "/pairings/assistant"
    guards = [requires_leader_or_admin]  # noqa: RUF012

    @get("/")
    async def proposals(self, request: Request[Any, Any, Any], village: FromQuery[int | None] = None) -> Template:
        return await self._page(request, village)

    async def _page(
        self, request: Request[Any, Any, Any], village: int | None, error: str = "", status_code: int = 200
    ) -> Template:
        user = current_user(request)
        advice = await assistant.advise(user.township_id)
        shown = [p for p in advice.proposals if village is None or p.village_id == village]
        villages = sorted({(p.village_id, p.village) for p in advice.proposals}, key=lambda v: v[1])
        return await page(
            request, "pairing/assistant.html", status_code=status_code,
            advice=advice, shown=shown, village=village, villages=villages, error=error,
        )  # fmt: skip

    @post("/accept")
    async def accept(self, request: Request[Any, Any, Any], data: Form) -> Any:
        household_id, cadre_id = parse_id(data.get("household", "")), parse_id(data.get("cadre", ""))
        rank = parse_id(data.get("rank", "")) or 1
        error, accepted = "", False
        if household_id is None or cadre_id is None:
            raise NotFoundException()
        try:
            await changes.pair(actor(request), household_id, cadre_id, rank, today(), gettext(ASSISTANT_REASON))
            accepted = True
        except LookupError as missing:
            raise NotFoundException() from missing
        except changes.PairingError as failure:
            error = gettext(failure.message, **failure.values)
        row = {**data, "household": household_id, "cadre": cadre_id, "rank": rank}
        if not request.htmx:  # type: ignore[attr-defined]
            if accepted:
                await set_flash(current_user(request).session_key, "success", N_("The pairing was saved."))
            return Redirect(path="/pairings/assistant", status_code=303)
        advice = await assistant.advise(current_user(request).township_id)  # the counters above the list, updated
        return await page(
            request, "pairing/_proposal_done.html", row=row, error=error, accepted=accepted, advice=advice
        )

    @post("/accept-all")
    async def accept_all(self, request: Request[Any, Any, Any]) -> Any:
        form = await request.form()
        pairs = [_triple(value) for value in form.getall("pair")] if "pair" in form else []
        village = parse_id(str(form.get("village", "")))
        try:
            count = await changes.accept_all(
                actor(request), [p for p in pairs if p], today(), gettext(ASSISTANT_REASON)
            )
        except LookupError as missing:
            raise NotFoundException() from missing
        except changes.PairingError as failure:
            message = gettext(failure.message, **failure.values)
            return await self._page(request, village, message, status_code=failure.status_code)
        await set_flash(
            current_user(request).session_key, "success", gettext(N_("%(n)s pairings were saved."), n=count)
        )
        return Redirect(path="/pairings/assistant" + (f"?village={village}" if village else ""), status_code=303)


ASSISTANT_REASON = N_("Proposed by the pairing assistant")


def _triple(value: str) -> tuple[int, int, int] | None:
    parts = value.split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    household_id, cadre_id, rank = map(int, parts)
    return household_id, cadre_id, rank
