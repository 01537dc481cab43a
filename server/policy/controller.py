"""Routes of the rules pages: /policy (the rules in force at the user's place), one rule, recording a new value."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from server.accounts.sessions import set_flash
from server.clock import today
from server.i18n import N_
from server.policy import pages
from server.policy.forms import parse_value
from server.policy.places import Place
from server.policy.recording import order_problem, own_chain, place_to_record, record_value
from server.policy.registry import BY_KEY, Rule
from server.web.auth import client_ip, current_user
from server.web.errors import found
from server.web.guards import requires_township_staff_or_county
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


class PolicyController(Controller):
    """Township staff read their township's rules, the township admin records its own; the county office records
    the county's (and the province's lines) and reads each of its townships'. Another place's rules are 404."""

    path = "/policy"
    guards = [requires_township_staff_or_county]  # noqa: RUF012

    @get("/")
    async def own_rules(self, request: AnyRequest) -> Template:
        user = current_user(request)
        places = found((await own_chain(user)) or None)
        return await page(request, "policy/index.html", **await pages.rules_page(user, places[0]))

    @get("/townships/{township_id:int}")
    async def township_rules(self, request: AnyRequest, township_id: FromPath[int]) -> Template:
        user = current_user(request)
        place: Place = found(await pages.township_in_scope(user, township_id))
        return await page(request, "policy/index.html", **await pages.rules_page(user, place))

    @get("/rules/{key:str}")
    async def rule(self, request: AnyRequest, key: FromPath[str]) -> Template:
        rule: Rule[Any] = found(BY_KEY.get(key))
        return await page(request, "policy/rule.html", **await pages.rule_page(current_user(request), rule))

    @post("/rules/{key:str}")
    async def record(self, request: AnyRequest, key: FromPath[str], data: Form) -> Template | Redirect:
        user, rule = current_user(request), found(BY_KEY.get(key))
        place = place_to_record(user, await own_chain(user), rule)
        if place is None:
            raise PermissionDeniedException()
        form = parse_value(rule, data, today())
        if not form.errors and (
            problem := await order_problem(rule, place, form.values["value"], form.values["effective_from"])
        ):
            form.errors["value"] = problem
        if form.errors:
            context = await pages.rule_page(user, rule, form)
            return await page(request, "policy/rule.html", status_code=422, **context)
        await record_value(user, client_ip(request), rule, place, form.values)
        await set_flash(user.session_key, "success", N_("The new value was recorded."))
        return Redirect(path=f"/policy/rules/{rule.key}", status_code=303)
