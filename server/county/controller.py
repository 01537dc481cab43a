"""Pages of the county poverty office (县扶贫办): the county by township (coverage, return-to-poverty rate,
employment), a township by village, and the same figures as .xlsx.

Figures only: the county office's scope holds no household (server/scope.py), so every list behind a figure stays
with the township, which knows the people.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from server import policy
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.county import queries as lists
from server.county.export import county_xlsx
from server.database import concurrently
from server.i18n import N_, gettext
from server.jobs.figures import county_figures
from server.jobs.queries import today
from server.monitoring import rate, yearly
from server.monitoring.pages import RATE_CONTEXT
from server.pairing import coverage
from server.places.names import place_names
from server.web.auth import client_ip, current_user
from server.web.downloads import dated_name, xlsx_download
from server.web.guards import requires_county
from server.web.templating import page


async def county_home(user: CurrentUser) -> dict[str, Any]:
    """The county at a glance: coverage, the return-to-poverty rate and employment, the county's and each township's.

    The figures are independent, so they are read at once, each on its own connection: the page then waits for the
    slowest (the coverage), not for their sum."""
    name, waiting = await lists.name_and_waiting(user.county_id)
    day = today()
    figures: dict[str, Any] = {"waiting": waiting}

    async def keep(key: str, query: Awaitable[Any]) -> None:
        figures[key] = await query

    await concurrently(
        keep("data", coverage.county_coverage(user.county_id)),
        keep("rates", rate.county_return_rates(user.county_id, name, day)),
        keep("jobs", county_figures(user.county_id, day)),
        keep("years", yearly.county_years(user.county_id, name, day.year)),
    )
    county_rate, township_rates = figures.pop("rates")
    return {
        "county_name": name,
        "county_rate": county_rate,
        "township_rates": township_rates,
        "cap": policy.number_text(county_rate.cap),
        "this_year": day.year,  # its row says the year is in progress, as the township's rate page does
        **figures,
        **RATE_CONTEXT,
    }


class CountyController(Controller):
    guards = [requires_county]  # noqa: RUF012

    @get("/county/townships/{township_id:int}")
    async def township(self, request: Request[Any, Any, Any], township_id: FromPath[int]) -> Template:
        """One township of the county, village by village (404 for a township of another county)."""
        user = current_user(request)
        data = await coverage.coverage(township_id, county_id=user.county_id or -1)
        if not data.villages:
            raise NotFoundException()
        names = await place_names(township_id, None)
        return await page(request, "county/township.html", data=data, township_name=names["township"])

    @get("/county/figures.xlsx")
    async def download(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        user = current_user(request)
        home = await county_home(user)
        content = await county_xlsx(home, today())
        await record(
            "export",
            actor=user,
            target_type="county",
            target_id=user.county_id or "",
            ip=client_ip(request),
            detail={"what": "county figures", "format": "xlsx", "townships": len(home["data"].townships)},
        )
        return xlsx_download(content, dated_name(gettext(N_("County figures")), today()))
