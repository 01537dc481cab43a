"""Pages of a city's or a province's poverty office: its region by county (the home), a county by township, a
township by village. Figures only, as for the county office: the households behind them stay with each township."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from server.accounts.sessions import CurrentUser
from server.pairing import coverage
from server.regions.queries import county_in_region, region_name, township_in_region
from server.web.auth import current_user
from server.web.guards import requires_region
from server.web.templating import page


async def region_home(user: CurrentUser) -> dict[str, Any]:
    """The region at a glance: its figures and each county's."""
    data = await coverage.region_coverage(user.region_id)
    return {"region_name": await region_name(user), "data": data}


class RegionController(Controller):
    guards = [requires_region]  # noqa: RUF012

    @get("/region/counties/{county_id:int}")
    async def county(self, request: Request[Any, Any, Any], county_id: FromPath[int]) -> Template:
        """One county of the region, township by township (404 for a county elsewhere)."""
        county = await county_in_region(current_user(request), county_id)
        if county is None:
            raise NotFoundException()
        data = await coverage.county_coverage(county.id)
        return await page(request, "regions/county.html", county=county, data=data)

    @get("/region/townships/{township_id:int}")
    async def township(self, request: Request[Any, Any, Any], township_id: FromPath[int]) -> Template:
        """One township of the region, village by village (404 for a township elsewhere)."""
        township = await township_in_region(current_user(request), township_id)
        if township is None:
            raise NotFoundException()
        data = await coverage.coverage(township.id, county_id=township.county.id)
        back = f"/region/counties/{township.county.id}"
        return await page(request, "county/township.html", data=data, township_name=township.name, back=back)
