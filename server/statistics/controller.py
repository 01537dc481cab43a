"""Routes of the statistics pages: the tables of a place and period, the list behind a figure, the workbook."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from server.audit.queries import record
from server.statistics import queries
from server.statistics.area import Area, Period, area_of, link_query, period_of
from server.statistics.export import file_name, statistics_xlsx
from server.statistics.lists import figure_list
from server.statistics.tables import bar_chart, figure_cells
from server.web.auth import client_ip, current_user
from server.web.downloads import xlsx_download
from server.web.guards import requires_statistics_reader
from server.web.templating import page

Req = Request[Any, Any, Any]
MONTHS = range(1, 13)
FIRST_CHAPTER = next(iter(queries.CHAPTERS))
# each chapter's key, title and the numbers of its first and last tables, for the chapter links
CHAPTER_LINKS = [
    (key, title, queries.NUMBERS[keys[0]], queries.NUMBERS[keys[-1]]) for key, (title, keys) in queries.CHAPTERS.items()
]
NEXT_CHAPTER = {link[0]: following for link, following in pairwise(CHAPTER_LINKS)}


async def place_and_period(
    request: Req, township: int | None, village: int | None, year: int | None, month: int | None
) -> tuple[Area, Period]:
    return await area_of(current_user(request), township, village), period_of(year, month)


class StatisticsController(Controller):
    path = "/statistics"
    guards = [requires_statistics_reader]  # noqa: RUF012

    @get("/")
    async def index(
        self,
        request: Req,
        township: FromQuery[int | None] = None,
        village: FromQuery[int | None] = None,
        year: FromQuery[int | None] = None,
        month: FromQuery[int | None] = None,
        chapter: FromQuery[str] = FIRST_CHAPTER,
    ) -> Template:
        if chapter not in queries.CHAPTERS:
            raise NotFoundException()
        area, period = await place_and_period(request, township, village, year, month)
        tables = await queries.report(area, period, chapter)
        return await page(
            request,
            "statistics/index.html",
            area=area,
            period=period,
            tables=tables,
            chapter=chapter,
            chapters=CHAPTER_LINKS,
            next_chapter=NEXT_CHAPTER.get(chapter),
            numbers=queries.NUMBERS,
            figures=figure_cells,
            bar_chart=bar_chart,
            months=MONTHS,
            query=link_query(area, period),
        )

    @get("/list/{table:str}/{key:str}")
    async def figure(
        self,
        request: Req,
        table: FromPath[str],
        key: FromPath[str],
        township: FromQuery[int | None] = None,
        village: FromQuery[int | None] = None,
        year: FromQuery[int | None] = None,
        month: FromQuery[int | None] = None,
        page_number: FromQuery[int] = 1,
    ) -> Template:
        area, period = await place_and_period(request, township, village, year, month)
        listed = await figure_list(current_user(request), area, period, table, key, page_number)
        return await page(
            request,
            "statistics/list.html",
            area=area,
            period=period,
            listed=listed,
            title=queries.TITLES[table],
            chapter=queries.CHAPTER_OF[table],
            query=link_query(area, period),
        )

    @get("/report.xlsx")
    async def workbook(
        self,
        request: Req,
        township: FromQuery[int | None] = None,
        village: FromQuery[int | None] = None,
        year: FromQuery[int | None] = None,
        month: FromQuery[int | None] = None,
    ) -> Response[bytes]:
        area, period = await place_and_period(request, township, village, year, month)
        content = await statistics_xlsx(area, period, await queries.report(area, period))
        await record(
            "export",
            actor=current_user(request),
            target_type=area.level,
            target_id=area.village_id or area.township_id or area.county_id,
            ip=client_ip(request),
            detail={"what": "statistics", "format": "xlsx", "period": period.label},
        )
        return xlsx_download(content, file_name(area, period))
