"""The public job board (no login): open jobs of approved employers, a QR code to share it, a printable poster."""

from __future__ import annotations

from functools import lru_cache

import segno
from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from server.jobs import queries
from server.jobs.web import AnyRequest, render
from server.web.errors import found


@lru_cache(maxsize=256)  # a pure function of the URL; drawing it was half the board page's time
def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (allowed by the CSP's img-src), for notice boards and WeChat groups."""
    return str(segno.make(url, error="m").svg_data_uri(scale=6, border=2))


def absolute(request: AnyRequest, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


class BoardController(Controller):
    """招聘信息: anyone may read it; it shows jobs only, never a household or a person."""

    path = "/board"
    opt = {"exclude_from_auth": True}  # noqa: RUF012

    @get("/")
    async def board(self, request: AnyRequest) -> Template:
        jobs = await queries.board_jobs(queries.today())
        url = absolute(request, "/board")
        return await render(request, "jobs/board.html", jobs=jobs, share_url=url, qr=qr_data_uri(url))

    @get("/poster")
    async def board_poster(self, request: AnyRequest) -> Template:
        jobs = await queries.board_jobs(queries.today())
        url = absolute(request, "/board")
        return await render(request, "jobs/poster.html", jobs=jobs, job=None, share_url=url, qr=qr_data_uri(url))

    @get("/{job_id:int}")
    async def job(self, request: AnyRequest, job_id: FromPath[int]) -> Template:
        job = found(await queries.board_job(job_id, queries.today()))
        url = absolute(request, f"/board/{job_id}")
        return await render(request, "jobs/board_job.html", job=job, share_url=url, qr=qr_data_uri(url))

    @get("/{job_id:int}/poster")
    async def poster(self, request: AnyRequest, job_id: FromPath[int]) -> Template:
        job = found(await queries.board_job(job_id, queries.today()))
        url = absolute(request, f"/board/{job_id}")
        return await render(request, "jobs/poster.html", jobs=[job], job=job, share_url=url, qr=qr_data_uri(url))
