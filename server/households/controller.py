"""Routes of the household registry: search, the household page, and the admin's household and member forms."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from server import codes, privacy
from server.accounts.sessions import set_flash
from server.households import changes, queries
from server.households.forms import HouseholdForm, MemberForm
from server.households.household_page import household_page
from server.households.rows import household_rows
from server.i18n import N_
from server.web.auth import client_ip, current_user
from server.web.guards import requires_admin, requires_township_staff
from server.web.listing import order_param
from server.web.templating import page, wants_fragment

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]
HEAD_DEFAULTS = {"head_schooling": "none", "head_health": "healthy", "head_labour_skill": "normal"}


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() else None


async def _household_data(request: AnyRequest) -> tuple[dict[str, str], list[str]]:
    """The posted household form; secondary causes are a multi-valued field."""
    form = await request.form()
    secondary = [str(value) for value in form.getall("secondary_causes", [])]
    return {key: str(form.get(key)) for key in form}, secondary


async def _in_scope(request: AnyRequest, household_id: int) -> dict[str, Any]:
    household = await queries.household_in_scope(current_user(request), household_id)
    if household is None:
        raise NotFoundException()
    return household


def _public(household: dict[str, Any]) -> dict[str, Any]:
    """A household for a form template: the bank account masked, never in full."""
    shown = {key: value for key, value in household.items() if key != "bank_account"}
    return {**shown, "bank_masked": privacy.mask_bank_account(household["bank_account"])}


def _masked(member: dict[str, Any]) -> dict[str, Any]:
    """A member for a template: the full ID number left out."""
    shown = {key: value for key, value in member.items() if key != "id_number"}
    return {**shown, "id_masked": privacy.mask_id_number(member["id_number"])}


async def _household_form(
    request: AnyRequest, form: HouseholdForm, household: dict[str, Any] | None, status_code: int = 200
) -> Template:
    user = current_user(request)
    return await page(
        request,
        "households/household_form.html",
        status_code=status_code,
        form=form,
        household=_public(household) if household else None,
        villages=await queries.village_choices(user),
        groups=await queries.group_choices(user),
    )


async def _member_form(
    request: AnyRequest,
    form: MemberForm,
    household: dict[str, Any],
    member: dict[str, Any] | None,
    status_code: int = 200,
) -> Template:
    return await page(
        request,
        "households/member_form.html",
        status_code=status_code,
        form=form,
        household=_public(household),
        member=_masked(member) if member else None,
    )


class HouseholdController(Controller):
    """The register as everyone in the township reads it; the admin keeps it."""

    path = "/households"
    guards = [requires_township_staff]  # noqa: RUF012

    @get("/")
    async def households(
        self,
        request: AnyRequest,
        q: FromQuery[str] = "",
        village: FromQuery[str] = "",
        status: FromQuery[str] = "",
        sort: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    ) -> Template:
        user = current_user(request)
        status = status if status in codes.POVERTY_STATUS else ""
        order = order_param(sort, tuple(queries.ORDERS))
        # The village filter is on the whole page only: active search and "more" get the rows alone.
        whole_page = not wants_fragment(request)
        result = await queries.search(user, q, _int_or_none(village), status, page_number, order, villages=whole_page)
        fragment = "households/_rows.html" if page_number > 1 else "households/_results.html"
        filters: dict[str, Any] = {"q": q, "village": _int_or_none(village), "status": status, "order": order}
        return await page(
            request,
            "households/list.html",
            fragment=fragment,
            result=result,
            household_rows=household_rows,
            village_options=result.villages,
            can_edit=user.is_admin,
            **filters,
        )

    @get("/{household_id:int}")
    async def household(self, request: AnyRequest, household_id: FromPath[int]) -> Template:
        context = await household_page(current_user(request), household_id)
        if context is None:
            raise NotFoundException()
        return await page(request, "households/household.html", **context)

    @get("/new", guards=[requires_admin])
    async def new_household(self, request: AnyRequest) -> Template:
        form = HouseholdForm(data={"attribute": "general", "status": "not_out", "safe_water": "1"})
        return await _household_form(request, form, None)

    @post("/new", guards=[requires_admin])
    async def create_household(self, request: AnyRequest) -> Template | Redirect:
        user = current_user(request)
        data, secondary = await _household_data(request)
        head_data = {**HEAD_DEFAULTS, **data}  # the rest of the head's record is filled in on the member form
        form, head = HouseholdForm.parse(data, secondary), MemberForm.parse(head_data, prefix="head_", relation="head")
        outcome = await changes.create_household(user, client_ip(request), form, head)
        if not isinstance(outcome, int):
            form.errors = outcome
            return await _household_form(request, form, None, 422)
        await set_flash(user.session_key, "success", N_("Household registered."))
        return Redirect(path=f"/households/{outcome}", status_code=303)

    @get("/{household_id:int}/edit", guards=[requires_admin])
    async def edit_household(self, request: AnyRequest, household_id: FromPath[int]) -> Template:
        household = await _in_scope(request, household_id)
        form = HouseholdForm(data={key: "" if value is None else value for key, value in _public(household).items()})
        return await _household_form(request, form, household)

    @post("/{household_id:int}/edit", guards=[requires_admin])
    async def update_household(self, request: AnyRequest, household_id: FromPath[int]) -> Template | Redirect:
        user, household = current_user(request), await _in_scope(request, household_id)
        data, secondary = await _household_data(request)
        typed = data.get("bank_account", "").strip()  # empty: keep the account on record
        form = HouseholdForm.parse({**data, "bank_account": typed or household["bank_account"]}, secondary)
        form.errors = await changes.update_household(user, client_ip(request), household, form)
        if form.errors:
            form.data["bank_account"] = typed
            return await _household_form(request, form, household, 422)
        await set_flash(user.session_key, "success", N_("Household saved."))
        return Redirect(path=f"/households/{household_id}", status_code=303)

    @get("/{household_id:int}/members/new", guards=[requires_admin])
    async def new_member(self, request: AnyRequest, household_id: FromPath[int]) -> Template:
        household = await _in_scope(request, household_id)
        defaults = {"schooling": "none", "health": "healthy", "labour_skill": "normal", "medical_insurance": "1"}
        return await _member_form(request, MemberForm(data=defaults), household, None)

    @post("/{household_id:int}/members/new", guards=[requires_admin])
    async def add_member(self, request: AnyRequest, household_id: FromPath[int], data: Form) -> Template | Redirect:
        user, household = current_user(request), await _in_scope(request, household_id)
        form = MemberForm.parse(data)
        form.errors = await changes.save_member(user, client_ip(request), household_id, None, form)
        if form.errors:
            return await _member_form(request, form, household, None, 422)
        await set_flash(user.session_key, "success", N_("Member added."))
        return Redirect(path=f"/households/{household_id}", status_code=303)

    @post("/{household_id:int}/bank/reveal", guards=[requires_admin])
    async def reveal_bank_account(self, request: AnyRequest, household_id: FromPath[int]) -> Template:
        user, household = current_user(request), await _in_scope(request, household_id)
        await changes.reveal(user, client_ip(request), "reveal_bank_account", "household", household_id, household_id)
        return await page(
            request,
            "households/revealed.html",
            fragment="households/_revealed.html",
            value=household["bank_account"],
            element_id="bank-account",
            household=_public(household),
        )


class MemberController(Controller):
    """The admin's member forms, removal, and the audited reveal of a full ID number."""

    path = "/members"
    guards = [requires_admin]  # noqa: RUF012

    async def _member(self, request: AnyRequest, member_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        member = await queries.member_in_scope(current_user(request), member_id)
        if member is None:
            raise NotFoundException()
        return member, await _in_scope(request, member["household"])

    @get("/{member_id:int}/edit")
    async def edit_member(self, request: AnyRequest, member_id: FromPath[int]) -> Template:
        member, household = await self._member(request, member_id)
        data = {
            **member,
            "id_number": "",  # the full number is shown only through the audited reveal
            "medical_insurance": "1" if member["medical_insurance"] else "",
            "pension_insurance": "1" if member["pension_insurance"] else "",
        }
        return await _member_form(request, MemberForm(data=data), household, member)

    @post("/{member_id:int}/edit")
    async def update_member(self, request: AnyRequest, member_id: FromPath[int], data: Form) -> Template | Redirect:
        user, (member, household) = current_user(request), await self._member(request, member_id)
        typed = data.get("id_number", "").strip()  # empty: keep the number on record
        form = MemberForm.parse({**data, "id_number": typed or member["id_number"]})
        form.errors = await changes.save_member(user, client_ip(request), household["id"], member, form)
        if form.errors:
            form.data["id_number"] = typed
            return await _member_form(request, form, household, member, 422)
        await set_flash(user.session_key, "success", N_("Member saved."))
        return Redirect(path=f"/households/{household['id']}", status_code=303)

    @post("/{member_id:int}/remove")
    async def remove_member(self, request: AnyRequest, member_id: FromPath[int]) -> Redirect:
        user, (member, household) = current_user(request), await self._member(request, member_id)
        refused = await changes.remove_member(user, client_ip(request), member)
        await set_flash(user.session_key, "error" if refused else "success", refused or N_("Member removed."))
        return Redirect(path=f"/households/{household['id']}", status_code=303)

    @post("/{member_id:int}/reveal-id")
    async def reveal_id_number(self, request: AnyRequest, member_id: FromPath[int]) -> Template:
        user, (member, household) = current_user(request), await self._member(request, member_id)
        await changes.reveal(user, client_ip(request), "reveal_id_number", "member", member_id, household["id"])
        return await page(
            request,
            "households/revealed.html",
            fragment="households/_revealed.html",
            value=member["id_number"],
            element_id=f"id-{member_id}",
            household=_public(household),
        )
