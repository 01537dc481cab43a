"""Routes of keeping accounts: the township admin at /admin/users, the county office at /county/users (one set of
handlers; `server.accounts.admin.scope_of` decides whose accounts each sees, anything else is 404)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from server.accounts import admin, roster
from server.accounts.admin_forms import TITLES, AccountForm, parse_account, temporary_password
from server.accounts.roles import ROLE_LABELS
from server.accounts.sessions import set_flash
from server.i18n import N_, gettext
from server.spreadsheets import SheetRejected
from server.web.auth import client_ip, current_user
from server.web.downloads import xlsx_download
from server.web.errors import found
from server.web.guards import requires_admin, requires_county
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]

LISTED = 200  # accounts a list shows; more are found by searching or filtering
STILL_RESPONSIBLE = N_(
    "%(name)s is still responsible for %(n)s households: hand them over first, then disable the account."
)


class AccountKeeping(Controller):
    """The handlers both offices use; the subclasses say where and who."""

    async def _choices(self, scope: admin.AccountScope) -> dict[str, Any]:
        villages = {v["id"]: v["name"] for v in await admin.villages_for(scope)}
        townships = {t["id"]: t["name"] for t in await admin.townships_for(scope)}
        roles = [(role.value, gettext(ROLE_LABELS[role])) for role in scope.roles]
        return {"villages": villages, "townships": townships, "roles": roles, "titles": TITLES, "base": scope.base}

    async def _form_page(
        self, request: AnyRequest, form: AccountForm, account: admin.Account | None = None, status: int = 200
    ) -> Template:
        scope = admin.scope_of(current_user(request))
        context = await self._choices(scope)
        return await page(request, "accounts/user_form.html", status_code=status, form=form, account=account,
                          reset_form=AccountForm(), **context)  # fmt: skip

    async def _parse(self, request: AnyRequest, data: dict[str, str], new: bool) -> AccountForm:
        scope = admin.scope_of(current_user(request))
        choices = await self._choices(scope)
        return parse_account(data, scope.roles, new=new, villages=choices["villages"], townships=choices["townships"])

    @get("/")
    async def users(
        self, request: AnyRequest, q: FromQuery[str] = "", role: FromQuery[str] = "", place: FromQuery[str] = ""
    ) -> Template:
        scope = admin.scope_of(current_user(request))
        narrowed = admin.AccountFilter(q.strip(), role, int(place) if place.isdigit() else None)
        rows = await admin.accounts_in(scope, narrowed, limit=LISTED + 1)
        choices = await self._choices(scope)
        places = choices["townships"] if scope.is_county else choices["villages"]
        return await page(request, "accounts/users.html", fragment="accounts/_user_rows.html", users=rows[:LISTED],
                          more=len(rows) > LISTED, q=q, role=narrowed.role, place=narrowed.place,
                          roles=choices["roles"], places=list(places.items()), base=scope.base,
                          county=scope.is_county)  # fmt: skip

    @get("/new")
    async def new(self, request: AnyRequest) -> Template:
        return await self._form_page(request, AccountForm(data={"role": "cadre"}))

    @post("/")
    async def create(self, request: AnyRequest, data: Form) -> Template | Redirect:
        user, scope = current_user(request), admin.scope_of(current_user(request))
        form = await self._parse(request, data, new=True)
        if not form.errors:
            try:
                await admin.create_account(user, client_ip(request), scope, form.values)
            except admin.Taken as taken:
                form.add(taken.field, taken.message)
        if form.errors:
            form.data.pop("password", None)  # a password is never sent back
            return await self._form_page(request, form, status=422)
        message = N_(
            "Account created. Give the temporary password to the person: it must be changed at the first login."
        )
        await set_flash(user.session_key, "success", message)
        return Redirect(path=scope.base, status_code=303)

    @get("/{user_id:int}")
    async def edit(self, request: AnyRequest, user_id: FromPath[int]) -> Template:
        account = found(await admin.account_in(admin.scope_of(current_user(request)), user_id))
        data = {k: "" if v is None else v for k, v in vars(account).items()}
        return await self._form_page(request, AccountForm(data=data), account)

    @post("/{user_id:int}")
    async def save(self, request: AnyRequest, user_id: FromPath[int], data: Form) -> Template | Redirect:
        user, scope = current_user(request), admin.scope_of(current_user(request))
        account = found(await admin.account_in(scope, user_id))
        form = await self._parse(request, data, new=False)
        if account.id == user.id and form.values["role"] != account.role:
            form.add("role", N_("You cannot change your own role."))
        if not form.errors:
            try:
                await admin.update_account(user, client_ip(request), scope, account, form.values)
            except admin.Taken as taken:
                form.add(taken.field, taken.message)
        if form.errors:
            return await self._form_page(request, form, account, status=422)
        await set_flash(user.session_key, "success", N_("Account saved."))
        return Redirect(path=f"{scope.base}/{user_id}", status_code=303)

    @post("/{user_id:int}/active")
    async def set_active(self, request: AnyRequest, user_id: FromPath[int], data: Form) -> Redirect:
        user, scope = current_user(request), admin.scope_of(current_user(request))
        account = found(await admin.account_in(scope, user_id) if user_id != user.id else None)
        active = data.get("active") == "1"
        held = await admin.set_active(user, client_ip(request), account, active)
        if held:
            message = gettext(STILL_RESPONSIBLE, name=account.display_name, n=held)
            await set_flash(user.session_key, "error", message)
            return Redirect(path=f"/pairings/cadres/{user_id}", status_code=303)
        await set_flash(user.session_key, "success", N_("Account enabled.") if active else N_("Account disabled."))
        return Redirect(path=f"{scope.base}/{user_id}", status_code=303)

    @post("/{user_id:int}/password")
    async def reset_password(self, request: AnyRequest, user_id: FromPath[int], data: Form) -> Template | Redirect:
        user, scope = current_user(request), admin.scope_of(current_user(request))
        account = found(await admin.account_in(scope, user_id) if user_id != user.id else None)
        reset = AccountForm(data={"password": data.get("password", "")})
        temporary = temporary_password(reset, account.username)
        if reset.errors:
            context = await self._choices(scope)
            form = AccountForm(data={k: "" if v is None else v for k, v in vars(account).items()})
            return await page(request, "accounts/user_form.html", status_code=422, form=form, account=account,
                              reset_form=reset, **context)  # fmt: skip
        await admin.reset_password(user, client_ip(request), account, temporary)
        message = N_("Password reset. Give the temporary password to the person: it must be changed at the next login.")
        await set_flash(user.session_key, "success", message)
        return Redirect(path=f"{scope.base}/{user_id}", status_code=303)


class UserAdminController(AccountKeeping):
    """The township admin: the township's accounts, and the cadre roster (check first, then import)."""

    path = "/admin/users"
    guards = [requires_admin]  # noqa: RUF012

    @get("/roster-template.xlsx")
    async def roster_template(self) -> Response[bytes]:
        return xlsx_download(await asyncio.to_thread(roster.template), gettext(N_("Cadre roster template")) + ".xlsx")

    @get("/import")
    async def import_form(self, request: AnyRequest) -> Template:
        return await _roster_page(request)

    @post("/import", request_max_body_size=roster.MAX_BYTES + 64 * 1024)
    async def import_roster(self, request: AnyRequest) -> Template | Redirect:
        user, form = current_user(request), await request.form()
        upload, password = form.get("roster"), str(form.get("password") or "")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _roster_page(request, 422, refused=gettext(N_("Choose an .xlsx file.")))
        try:
            rows = await asyncio.to_thread(roster.read_roster, await upload.read())
        except SheetRejected as rejected:
            return await _roster_page(request, 422, refused=rejected.message)
        plan = await roster.check_roster(user, rows, password)
        if plan.problems or form.get("action") != "import":
            return await _roster_page(request, 422 if plan.problems else 200, plan=plan, filename=upload.filename)
        try:
            created = await roster.import_roster(user, client_ip(request), plan, password)
        except roster.RosterConflict:
            message = gettext(N_("Someone created one of these accounts meanwhile: nothing was imported. Check again."))
            return await _roster_page(request, 409, refused=message)
        message = gettext(
            N_("%(n)s accounts created. Each person must change the temporary password at the first login."), n=created
        )
        await set_flash(user.session_key, "success", message)
        return Redirect(path="/admin/users", status_code=303)


async def _roster_page(request: AnyRequest, status_code: int = 200, **context: Any) -> Template:
    context = {"refused": None, "plan": None, "filename": "", **context}
    return await page(request, "accounts/import.html", status_code=status_code, max_rows=roster.MAX_ROWS,
                      max_bytes=roster.MAX_BYTES, **context)  # fmt: skip


class CountyUserController(AccountKeeping):
    """The county office: its township admins and its own staff."""

    path = "/county/users"
    guards = [requires_county]  # noqa: RUF012
