"""What the operator sees of each request: its id (X-Request-ID), one JSON access line, metrics, and /metrics.

The answer is observed in a before_send hook, not in the middleware: an exception raised inside (a login
redirect, an error page) is answered by Litestar outside every middleware, and only the hook sees that status.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.observability.logs import new_request_id, request_id
from server.observability.metrics import CONTENT_TYPE, DB_POOL, REQUEST_SECONDS, REQUESTS, metrics_text
from server.observability.statements import start_counting
from server.settings import get_settings
from server.standby import pool_usage
from server.web.auth import within

access_log = logging.getLogger("bangfu.access")
# A request relayed by the reverse proxy carries one of these: such a request never reads the metrics.
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


REQUEST_MARK = "bangfu.request"  # scope key: (request id, start time, statements sent), read when the answer starts


class RequestContextMiddleware(ASGIMiddleware):
    """Outermost of ours: the request gets its id, and everything logged while it runs carries it."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = dict(scope["headers"])
        rid = new_request_id(headers.get(b"x-request-id", b"").decode("latin-1"))
        scope[REQUEST_MARK] = (rid, time.perf_counter(), start_counting())  # type: ignore[literal-required]
        token = request_id.set(rid)
        try:
            await next_app(scope, receive, send)
        finally:
            request_id.reset(token)


async def observe_answer(message: Message, scope: Scope) -> None:
    """A before_send hook: it sees every answer (error pages and login redirects too) as it starts."""
    if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
        return
    mark: tuple[str, float, list[int]] = scope.get(REQUEST_MARK) or (new_request_id(None), time.perf_counter(), [0])  # type: ignore[assignment]
    rid, started, statements = mark
    MutableScopeHeaders.from_message(message)["X-Request-ID"] = rid
    observe(scope, rid, message["status"], time.perf_counter() - started, statements[0])


def observe(scope: Scope, rid: str, status: int, seconds: float, statements: int = 0) -> None:
    route = scope.get("path_template") or "unmatched"
    method = scope.get("method", "")
    REQUESTS.labels(method, route, str(status)).inc()
    REQUEST_SECONDS.labels(method, route).observe(seconds)
    for pool, in_use, idle, most in pool_usage():
        DB_POOL.labels(pool, "in_use").set(in_use)
        DB_POOL.labels(pool, "idle").set(idle)
        DB_POOL.labels(pool, "max").set(most)
    user = scope.get("user")
    access_log.info(
        "request",
        extra={
            "request_id": rid,
            "method": method,
            "route": route,
            "path": scope.get("path", ""),  # never the query string: searches can hold names and numbers
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "statements": statements,  # SQL statements sent (server.observability.statements)
            "user": getattr(user, "id", None),
        },
    )


def may_read_metrics(request: Request[Any, Any, Any]) -> bool:
    """Only straight from the operator's network (BANGFU_METRICS_ALLOW), never through the public proxy."""
    if any(name in request.headers for name in FORWARDING_HEADERS) or request.client is None:
        return False
    return within(request.client.host, get_settings().metrics_allow)


class MetricsController(Controller):
    """Prometheus scrapes each app host directly at /metrics; anyone else gets the ordinary 404."""

    opt = {"exclude_from_auth": True}  # noqa: RUF012

    @get("/metrics", media_type=MediaType.TEXT, cache=False, include_in_schema=False)
    async def metrics(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        if not may_read_metrics(request):
            raise NotFoundException()
        return Response(metrics_text(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
