"""Web glue shared by the step-by-step workflows (identification, monitoring): who acts, refusals, "done"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from server.accounts.sessions import set_flash
from server.identification.steps import Actor
from server.identification.workflow import StepRefused
from server.web.auth import client_ip, current_user
from server.web.templating import base_context

Req = Request[Any, Any, Any]


def actor_of(request: Req) -> Actor:
    """The logged-in user taking a step, and from where (for the step table and the audit trail)."""
    user = current_user(request)
    return Actor(id=user.id, label=user.username, ip=client_ip(request))


def refusal_page(home: str) -> Callable[[Req, StepRefused], Template]:
    """An exception handler: a step out of order shows its reason with status 409 (the transaction rolled back)."""

    def refused(request: Req, exc: StepRefused) -> Template:
        back = request.url.path.rsplit("/", 1)[0] if request.method == "POST" else home
        context = {**base_context(request, request.scope.get("user")), "message": exc.refusal.message(), "back": back}
        return Template(template_name="identification/refused.html", context=context, status_code=409)

    return refused


async def done(request: Req, message: str, path: str) -> Redirect:
    """A step went through: say so on the next page."""
    await set_flash(current_user(request).session_key, "success", message)
    return Redirect(path=path, status_code=303)
