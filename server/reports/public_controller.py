"""Public pages without an account: a household's door card (/c/<token>), a township's notice-board page (/t/<token>).

Forged, revoked and malformed tokens all get the same plain 404. Every form sent is counted against the client's
limits first (PostgreSQL counters: they hold across hosts), the honeypot drops scripts, and what is accepted is
stored and audited in one transaction. Nothing personal is shown: no household name, number or status.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server import once
from server.audit.actions import DOOR_CARD, TOWNSHIP_PAGE
from server.pairing.card_tokens import TOKEN, ScannedCard, card_in_force, card_path
from server.pairing.tables import Pairing
from server.reports import intake, limits, queries
from server.reports.codes import DIFFICULTY
from server.reports.forms import BODY_LIMIT, HONEYPOT, MAX_NAME, MAX_TEXT, PublicForm, parse
from server.web.auth import client_ip, optional_user
from server.web.templating import page

Req = Request[Any, Any, Any]
CARD_KINDS = ("difficulty", "complaint")
FORM_CONTEXT: dict[str, Any] = {"difficulties": DIFFICULTY, "honeypot": HONEYPOT, "max_text": MAX_TEXT,
                                "max_name": MAX_NAME}  # fmt: skip


async def scanned(token: str) -> ScannedCard:
    card = await card_in_force(token)
    if card is None:
        raise NotFoundException()
    return card


async def township_by_token(token: str) -> queries.TownshipPage:
    found = await queries.page_by_token(token) if TOKEN.match(token) else None
    if found is None:
        raise NotFoundException()
    return found


async def responsible_cadre_of(request: Req, household_id: int) -> bool:
    """Whether the scanner is logged in as one of the household's responsible cadres (they record a visit)."""
    user = await optional_user(request)
    return user is not None and await Pairing.exists().where(
        (Pairing.household == household_id) & (Pairing.cadre == user.id) & Pairing.ended_on.is_null()
    )


class PublicReportController(Controller):
    """No session needed (and none is written); the CSRF cookie protects the forms like every other."""

    opt = {"exclude_from_auth": True}  # noqa: RUF012

    @get("/c/{token:str}", cache=False)
    async def card(self, request: Req, token: FromPath[str], sent: FromQuery[str] = "") -> Template | Redirect:
        card = await scanned(token)
        if await responsible_cadre_of(request, card.household):
            return Redirect(path=f"/households/{card.household}/visits/new", status_code=303)
        return await self._card_page(request, card, token, sent=sent if sent in CARD_KINDS else "")

    @post("/c/{token:str}/{kind:str}", request_max_body_size=BODY_LIMIT)
    async def report(self, request: Req, token: FromPath[str], kind: FromPath[str]) -> Template | Redirect:
        card = await scanned(token)
        if kind not in CARD_KINDS:
            raise NotFoundException()
        ip = client_ip(request)
        posted = await request.form()
        form = parse(kind, dict(posted))
        if not await limits.count(limits.CLIENT_LIMITS, limits.client_key(ip)):
            return await self._card_page(request, card, token, form=form, status_code=429, limited="client")
        if form.trapped:
            await intake.trapped(ip, DOOR_CARD)
            return Redirect(path=f"{card_path(token)}?sent={kind}", status_code=303)
        if form.errors:
            return await self._card_page(request, card, token, form=form, status_code=422)
        try:
            await once.create(request, None, lambda: intake.report_through_card(card, kind, form.values, ip))
        except intake.LimitReached:
            return await self._card_page(request, card, token, form=form, status_code=429, limited="card")
        return Redirect(path=f"{card_path(token)}?sent={kind}", status_code=303)

    async def _card_page(
        self, request: Req, card: ScannedCard, token: str, form: PublicForm | None = None, status_code: int = 200,
        sent: str = "", limited: str = "",
    ) -> Template:  # fmt: skip
        forms = {kind: PublicForm(kind=kind) for kind in CARD_KINDS}
        if form is not None:
            forms[form.kind] = form
        context = await queries.card_page(card)
        return await page(request, "reports/card.html", status_code=status_code, token=token, forms=forms,
                          sent=sent, limited=limited, **context, **FORM_CONTEXT)  # fmt: skip

    @get("/t/{token:str}", cache=False)
    async def township(self, request: Req, token: FromPath[str], sent: FromQuery[str] = "") -> Template:
        township = await township_by_token(token)
        return await self._township_page(request, township, PublicForm(kind="help"), sent=sent == "help")

    @post("/t/{token:str}/help", request_max_body_size=BODY_LIMIT)
    async def help(self, request: Req, token: FromPath[str]) -> Template | Redirect:
        township = await township_by_token(token)
        ip = client_ip(request)
        villages = await queries.villages_of(township.township_id)
        posted = await request.form()
        form = parse("help", dict(posted), {v["id"] for v in villages})
        if not await limits.count(limits.CLIENT_LIMITS, limits.client_key(ip)):
            return await self._township_page(request, township, form, status_code=429, limited="client")
        if form.trapped:
            await intake.trapped(ip, TOWNSHIP_PAGE)
            return Redirect(path=f"/t/{token}?sent=help", status_code=303)
        if form.errors:
            return await self._township_page(request, township, form, status_code=422)
        try:
            await once.create(request, None, lambda: intake.help_request(township.township_id, form.values, ip))
        except intake.LimitReached:
            return await self._township_page(request, township, form, status_code=429, limited="township")
        return Redirect(path=f"/t/{token}?sent=help", status_code=303)

    async def _township_page(
        self, request: Req, township: queries.TownshipPage, form: PublicForm, status_code: int = 200,
        sent: bool = False, limited: str = "",
    ) -> Template:  # fmt: skip
        villages = await queries.villages_of(township.township_id)
        return await page(request, "reports/township.html", status_code=status_code, township_page=township,
                          form=form, village_choices=[(v["id"], v["name"]) for v in villages], sent=sent,
                          limited=limited, **FORM_CONTEXT)  # fmt: skip
