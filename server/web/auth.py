"""Who is asking: the session cookie is turned into a CurrentUser by one middleware."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.authentication import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from server.accounts.sessions import ABSOLUTE_LIFETIME, CurrentUser, load_session_user
from server.i18n import current_locale
from server.settings import Network, get_settings

SESSION_COOKIE = "bangfu_session"

# What a person with a temporary password may open until they have chosen their own.
WHILE_PASSWORD_IS_TEMPORARY = frozenset({"/me/password", "/logout"})


class PasswordChangeRequired(NotAuthorizedException):
    """The session's user must change a temporary password first (server.web.errors sends them there)."""


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    """Loads the user of the session cookie; routes with opt exclude_from_auth=True stay public."""

    def __init__(self, app: ASGIApp, **kwargs: Any) -> None:
        super().__init__(app, exclude=["^/static/", "^/favicon"], **kwargs)
        self.idle = timedelta(minutes=get_settings().session_idle_minutes)

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        user = await load_session_user(token, self.idle) if token else None
        if user is None:
            raise NotAuthorizedException()
        current_locale.set(user.locale)
        if user.must_change_password and connection.scope["path"] not in WHILE_PASSWORD_IS_TEMPORARY:
            raise PasswordChangeRequired()
        return AuthenticationResult(user=user, auth=token)


def session_cookie(token: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=int(ABSOLUTE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
        path="/",
    )


def expired_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, httponly=True, samesite="lax", path="/")


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser:
    user = connection.user
    assert isinstance(user, CurrentUser)
    return user


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The person's address: the peer, or behind a trusted proxy (BANGFU_TRUSTED_PROXIES) the X-Forwarded-For hop
    nearest to us that is not one of our proxies (the hops further left are whatever the client claimed)."""
    peer = connection.client.host if connection.client else ""
    trusted = get_settings().trusted_proxies
    if not trusted or not within(peer, trusted):
        return peer
    hops = [hop.strip() for hop in connection.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not within(hop, trusted):
            return hop[:45]
    return peer


def within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


async def optional_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    """On a public route (excluded from auth): the logged-in user if the request has a live session, else None."""
    token = connection.cookies.get(SESSION_COOKIE)
    return await load_session_user(token, timedelta(minutes=get_settings().session_idle_minutes)) if token else None
