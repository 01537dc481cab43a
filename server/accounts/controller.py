"""Routes for logging in and out, the user's own page, and the admin's account list."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from server.accounts import queries
from server.accounts.forms import LoginForm, PasswordChangeForm, parse_locale, safe_next
from server.accounts.login import attempt_login
from server.accounts.passwords import verify_password
from server.accounts.sessions import end_session, set_flash
from server.audit.queries import record
from server.clock import local_time
from server.i18n import N_
from server.web.auth import client_ip, current_user, expired_session_cookie, session_cookie
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class LoginController(Controller):
    """Public: the login form."""

    opt = {"exclude_from_auth": True}  # noqa: RUF012

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Template:
        return await page(request, "accounts/login.html", form=LoginForm(next=safe_next(next)))

    @post("/login")
    async def login(self, request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
        form = LoginForm.parse(data)
        if form.errors:
            return await page(request, "accounts/login.html", form=form, status_code=400)
        outcome = await attempt_login(
            form.username, form.password, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
        )
        if outcome.token is None:
            form.password = ""
            context: dict[str, Any] = {"form": form, "error": outcome.error}
            if outcome.locked_until:
                context["locked_until"] = local_time(outcome.locked_until, "%H:%M")
            return await page(request, "accounts/login.html", status_code=401, **context)
        response = Redirect(path=form.next, status_code=303)
        response.set_cookie(session_cookie(outcome.token))
        return response


class AccountController(Controller):
    """The logged-in user's own account: profile, language, password, logout."""

    @get("/me")
    async def me(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "accounts/me.html", password_form=PasswordChangeForm())

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        user = current_user(request)
        await end_session(user.session_key)
        await record("logout", actor=user, ip=client_ip(request))
        response = Redirect(path="/login?logged_out=1", status_code=303)
        response.set_cookie(expired_session_cookie())
        return response

    @post("/me/locale")
    async def change_locale(self, request: Request[Any, Any, Any], data: Form) -> Redirect:
        user = current_user(request)
        if locale := parse_locale(data):
            await queries.set_locale(user.id, locale)
        return Redirect(path="/me", status_code=303)

    @get("/me/password")
    async def password_page(self, request: Request[Any, Any, Any]) -> Template:
        """Where a person with a temporary password is sent until they have chosen their own."""
        return await page(request, "accounts/password.html", password_form=PasswordChangeForm())

    @post("/me/password")
    async def change_password(self, request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
        user = current_user(request)
        form = PasswordChangeForm.parse(data, user.username)
        if not form.errors and not verify_password(await queries.password_hash_of(user.id), form.current):
            form.errors["current_password"] = N_("The current password is wrong.")
        if not form.errors and form.new == form.current:
            form.errors["new_password"] = N_("Choose a password other than the current one.")
        if form.errors:
            template = "accounts/password.html" if user.must_change_password else "accounts/me.html"
            return await page(request, template, password_form=form, status_code=422)
        await queries.change_password(user, form.new, client_ip(request))
        await set_flash(user.session_key, "success", N_("Your password was changed."))
        return Redirect(path="/" if user.must_change_password else "/me", status_code=303)
