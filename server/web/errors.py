"""Friendly Chinese error pages (never a stack trace), the login redirect for anonymous users, and `found()`."""

from __future__ import annotations

import logging
from typing import Any, TypeVar
from urllib.parse import quote

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from server.conflicts import Conflict
from server.database import DatabaseUnavailable
from server.i18n import N_
from server.media.storage import StorageUnavailable
from server.web.auth import PasswordChangeRequired
from server.web.templating import base_context

logger = logging.getLogger("bangfu.errors")

MESSAGES = {
    400: N_("The request could not be understood. Please check what you entered and try again."),
    403: N_("You are not allowed to do this, or the page expired. Go back, reload the page and try again."),
    404: N_("This page does not exist, or you are not allowed to see it."),
    405: N_("This action is not available here."),
    409: N_("Someone else changed this at the same moment, so nothing was saved. Reload the page and try again."),
    413: N_("The upload is too large."),
    429: N_("Too many requests. Please wait a moment and try again."),
    500: N_("Something went wrong on our side. Your data is safe; please try again later."),
    503: N_("The database is not reachable right now. Please try again in a few minutes."),
}
STORE_DOWN = N_("The photo store is not reachable right now. Please try again in a few minutes.")


def error_page(request: Request[Any, Any, Any], status_code: int, message: str | None = None) -> Response[Any]:
    message = message or MESSAGES.get(status_code, MESSAGES[500] if status_code >= 500 else MESSAGES[400])
    if request.headers.get("hx-request") and not request.headers.get("hx-boosted"):
        return Response(content={"status": status_code}, status_code=status_code, media_type=MediaType.JSON)
    context = {**base_context(request, request.scope.get("user")), "status_code": status_code, "message": message}
    return Template(template_name="errors/error.html", context=context, status_code=status_code)


def login_redirect(request: Request[Any, Any, Any], _: NotAuthorizedException) -> Response[Any]:
    target = "/login"
    if request.method == "GET" and request.url.path != "/":
        target += "?next=" + quote(request.url.path + (("?" + request.url.query) if request.url.query else ""))
    if request.headers.get("hx-request"):
        return Response(content=None, status_code=401, headers={"HX-Redirect": target})
    return Redirect(path=target, status_code=303)


def password_change_redirect(request: Request[Any, Any, Any], _: NotAuthorizedException) -> Response[Any]:
    if request.headers.get("hx-request"):
        return Response(content=None, status_code=401, headers={"HX-Redirect": "/me/password"})
    return Redirect(path="/me/password", status_code=303)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:  # Litestar's own internal errors (a misconfigured dependency, ...)
        logger.error("%s on %s %s: %s", exc.status_code, request.method, request.url.path, exc.detail, exc_info=exc)
    return error_page(request, exc.status_code)


def database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.error("database unavailable: %s", exc)
    return error_page(request, HTTP_503_SERVICE_UNAVAILABLE)


# What PostgreSQL says when a simultaneous request got to a rule first: the loser's transaction rolled back whole.
CONCURRENCY_ERRORS = (
    asyncpg.UniqueViolationError,
    asyncpg.ExclusionViolationError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


def conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    return error_page(request, HTTP_409_CONFLICT, exc.text())


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, CONCURRENCY_ERRORS):
        logger.warning("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
        return error_page(request, HTTP_409_CONFLICT)
    if isinstance(exc, StorageUnavailable):
        logger.error("photo store unavailable: %s", exc)
        return error_page(request, HTTP_503_SERVICE_UNAVAILABLE, STORE_DOWN)
    if isinstance(exc, OSError | asyncpg.PostgresConnectionError | asyncpg.InterfaceError | DatabaseUnavailable):
        return database_error(request, exc)
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    PasswordChangeRequired: password_change_redirect,
    NotAuthorizedException: login_redirect,
    HTTPException: http_error,
    Conflict: conflict,
    Exception: server_error,
}


T = TypeVar("T")


def found(value: T | None) -> T:
    """The value, or 404 when the query found nothing: out of scope and absent look the same."""
    if value is None:
        raise NotFoundException()
    return value
