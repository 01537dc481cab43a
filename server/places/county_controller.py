"""Routes of the county office's townships (/county/places): its townships with their codes, add, rename, and a
village moved from one township to another (its households, visits and pairings go with it)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from server.accounts.sessions import set_flash
from server.i18n import N_, gettext
from server.places import townships
from server.places.forms import ParsedForm, parse_code, parse_township
from server.places.queries import CODE_TAKEN
from server.web.auth import client_ip, current_user
from server.web.errors import found
from server.web.guards import requires_county
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


class CountyPlacesController(Controller):
    """Only the county office, only its own county (another county's township is 404)."""

    path = "/county/places"
    guards = [requires_county]  # noqa: RUF012

    async def _page(self, request: AnyRequest, form: ParsedForm, status: int = 200) -> Template:
        county_id = current_user(request).county_id
        rows = await townships.townships_of_county(county_id)
        return await page(request, "places/townships.html", status_code=status, townships=rows, form=form)

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        code = await townships.county_code(current_user(request).county_id)
        return await self._page(request, ParsedForm(data={"code": code[:6]}))

    @post("/townships")
    async def add(self, request: AnyRequest, data: Form) -> Template | Redirect:
        user = current_user(request)
        form = parse_township(data, await townships.county_code(user.county_id))
        added = None
        if not form.errors:
            added = await townships.add_township(user, client_ip(request), form.values["name"], form.values["code"])
            if added is None:
                form.errors.add("code", CODE_TAKEN)
        if form.errors:
            return await self._page(request, form, status=422)
        await set_flash(user.session_key, "success", N_("Township added. Now create its admin's account."))
        return Redirect(path="/county/places", status_code=303)

    @post("/townships/{township_id:int}")
    async def rename(self, request: AnyRequest, township_id: FromPath[int], data: Form) -> Redirect:
        user = current_user(request)
        township = found(await townships.township_of_county(user.county_id, township_id))
        form = parse_township(data, None)
        if form.errors:
            await set_flash(user.session_key, "error", next(iter(form.errors.values())))
        else:
            await townships.rename_township(user, client_ip(request), township, form.values["name"])
            await set_flash(user.session_key, "success", N_("Township renamed."))
        return Redirect(path="/county/places", status_code=303)

    @get("/townships/{township_id:int}")
    async def township(self, request: AnyRequest, township_id: FromPath[int]) -> Template:
        county_id = current_user(request).county_id
        township = found(await townships.township_of_county(county_id, township_id))
        villages = await townships.villages_of_county_township(county_id, township_id)
        others = [t for t in await townships.townships_of_county(county_id) if t.id != township_id]
        return await page(request, "places/township_villages.html", township=township, villages=villages,
                          others=others)  # fmt: skip

    @post("/villages/{village_id:int}/move")
    async def move_village(self, request: AnyRequest, village_id: FromPath[int], data: Form) -> Redirect:
        user = current_user(request)
        village = found(await townships.village_of_county(user.county_id, village_id))
        chosen = data.get("township", "")
        target = await townships.township_of_county(user.county_id, int(chosen)) if chosen.isdigit() else None
        form = ParsedForm(data=dict(data))
        code = parse_code(form, "village", str(target["code"])) if target else ""
        refused = next(iter(form.errors.values()), None) if target else N_("Choose the township.")
        if target and not refused:
            refused = await townships.move_village(user, client_ip(request), village, target, code)
        if refused:
            await set_flash(user.session_key, "error", gettext(refused))
        else:
            await set_flash(user.session_key, "success", N_("Village moved with its households."))
        return Redirect(path=f"/county/places/townships/{village['township']}", status_code=303)
