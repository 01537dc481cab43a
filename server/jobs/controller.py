"""Routes of the jobs area for township staff: jobs and their ranked candidates, members, referrals, placements."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.accounts.sessions import set_flash
from server.i18n import N_, gettext, too_long
from server.jobs import matching, placements, queries, referrals, trainings
from server.jobs.codes import WORK_KIND
from server.jobs.figures import figures, figures_xlsx
from server.jobs.forms import CheckForm, WishForm
from server.jobs.labour_force import working_ages
from server.jobs.tables import MemberWish
from server.jobs.web import AnyRequest, Form, audit, int_or_none, leaders_only, render, staff_only
from server.piccolo_conf import DB
from server.web.auth import client_ip, current_user
from server.web.downloads import dated_name, xlsx_download
from server.web.errors import found

MAX_NOTE = 200  # a referral's note (its column): longer is refused with the limit, never cut


class JobsController(Controller):
    """就业: what a cadre, leader or admin does with jobs."""

    path = "/jobs"
    guards = [staff_only]  # noqa: RUF012

    @get("/")
    async def hub(self, request: AnyRequest) -> Template:
        user, day = current_user(request), queries.today()
        jobs = await queries.jobs_of_township(user.township_id, day)
        checks = await placements.checks_due(user, day + timedelta(days=7))
        return await render(request, "jobs/hub.html", jobs=jobs, checks=checks, today=day)

    @get("/{job_id:int}")
    async def job(self, request: AnyRequest, job_id: FromPath[int]) -> Template:
        return await self._job_page(request, job_id)

    async def _job_page(self, request: AnyRequest, job_id: int, error: str | None = None, **extra: Any) -> Template:
        user, day = current_user(request), queries.today()
        job, ages = found(await queries.job_with_working_ages(user.township_id, job_id, day))
        candidates = await matching.ranked_candidates(user, job_id, day, ages)
        context = {"job": job, "candidates": candidates, "rules": matching.RULES, "ages": ages, "error": error, **extra}
        status = 422 if error else 200
        return await render(request, "jobs/job.html", fragment="jobs/_candidates.html", status_code=status, **context)

    @post("/{job_id:int}/referrals")
    async def refer(self, request: AnyRequest, job_id: FromPath[int], data: Form) -> Template | Redirect:
        user, day = current_user(request), queries.today()
        found(await queries.job_of_township(user.township_id, job_id, day))
        member_id = found(int_or_none(data.get("member_id")))
        consent, note = data.get("consent") == "1", (data.get("note") or "").strip()
        if len(note) > MAX_NOTE:
            return await self._job_page(request, job_id, error=too_long(MAX_NOTE), failed_member=member_id)
        async with DB.transaction():  # the referral and its audit event, or neither
            referral_id, reason = await referrals.refer(user, job_id, member_id, consent, note, day)
            if not reason:
                await audit(request, "referral_created", "referral", referral_id, job=job_id, member=member_id)
        if reason:
            return await self._job_page(request, job_id, error=reason, failed_member=member_id)
        await set_flash(user.session_key, "success", N_("Referred. The employer will answer."))
        return Redirect(path=f"/jobs/{job_id}", status_code=303)

    @get("/members/{member_id:int}")
    async def member(self, request: AnyRequest, member_id: FromPath[int]) -> Template:
        return await self._member_page(request, member_id)

    async def _member_page(self, request: AnyRequest, member_id: int, form: WishForm | None = None) -> Template:
        user, day = current_user(request), queries.today()
        member = found(await trainings.member_in_scope(user, member_id))
        wish = await MemberWish.select().where(MemberWish.member == member_id).first()
        youngest, _ = await working_ages(user.township_id, day)
        child = member["age"] is not None and member["age"] < youngest  # no job nor training is offered to a child
        context = {
            "member": member,
            "below_working_age": youngest if child else None,
            "wish": form.values if form else (wish or NO_WISH),
            "errors": form.errors if form else {},
            "jobs": [] if child else await matching.jobs_for_member(user, member_id, day),
            "member_trainings": await trainings.trainings_of_member(member_id),
            "history": await referrals.referrals_of_member(member_id),
            "upcoming": [] if child else await trainings.open_to_member(user.township_id, member_id, day),
            "held": [] if child else await trainings.held_without_member(user.township_id, member_id, day),
            "work_kinds": WORK_KIND.choices(),
        }
        return await render(request, "jobs/member.html", status_code=422 if form else 200, **context)

    @post("/members/{member_id:int}/wish")
    async def save_wish(self, request: AnyRequest, member_id: FromPath[int]) -> Template | Redirect:
        user = current_user(request)
        found(await trainings.member_in_scope(user, member_id))
        posted = await request.form()
        form = WishForm.parse({k: str(posted.get(k)) for k in posted}, [str(v) for v in posted.getall("work_kinds")])
        if form.errors:
            return await self._member_page(request, member_id, form)
        async with DB.transaction():
            await MemberWish.insert(MemberWish(member=member_id, updated_by=user.id, **form.values)).on_conflict(
                target=MemberWish.member, action="DO UPDATE", values=[*MemberWish._meta.columns[2:]]
            )
            await audit(request, "member_wish_saved", "member", member_id, wish=_plain(form.values))
        await set_flash(user.session_key, "success", N_("Wishes saved."))
        return Redirect(path=f"/jobs/members/{member_id}", status_code=303)

    @get("/referrals")
    async def referral_list(self, request: AnyRequest) -> Template:
        rows = await referrals.referrals_in_scope(current_user(request))
        return await render(request, "jobs/referrals.html", referrals=rows)

    @get("/placements/{placement_id:int}")
    async def placement(self, request: AnyRequest, placement_id: FromPath[int]) -> Template:
        return await self._placement_page(request, placement_id)

    async def _placement_page(self, request: AnyRequest, placement_id: int, form: CheckForm | None = None,
                              check_id: int | None = None) -> Template:  # fmt: skip
        placement = found(await placements.placement_in_scope(current_user(request), placement_id))
        context = {"placement": placement, "form": form, "form_check": check_id, "today": queries.today()}
        return await render(request, "jobs/placement.html", status_code=422 if form else 200, **context)

    @post("/placements/{placement_id:int}/checks/{check_id:int}")
    async def answer_check(
        self, request: AnyRequest, placement_id: FromPath[int], check_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        user = current_user(request)
        found(await placements.placement_in_scope(user, placement_id))
        form = CheckForm.parse(data)
        if form.errors:
            return await self._placement_page(request, placement_id, form, check_id)
        if await placements.record_check(user, placement_id, check_id, form.values, client_ip(request)):
            await set_flash(user.session_key, "success", N_("Follow-up recorded."))
        return Redirect(path=f"/jobs/placements/{placement_id}", status_code=303)

    @get("/figures", guards=[leaders_only])
    async def figures_page(self, request: AnyRequest) -> Template:
        data = await figures(current_user(request).township_id, queries.today())
        return await render(request, "jobs/figures.html", data=data)

    @get("/figures.xlsx", guards=[leaders_only])
    async def figures_download(self, request: AnyRequest) -> Response[bytes]:
        user, day = current_user(request), queries.today()
        data = await figures(user.township_id, day)
        content = await figures_xlsx(data, gettext("Employment figures on %(day)s", day=day.isoformat()))
        await audit(request, "export", "jobs_figures", day.isoformat(), rows=len(data["villages"]))
        return xlsx_download(content, dated_name(gettext(N_("Employment figures")), day))


NO_WISH: dict[str, Any] = {"work_kinds": [], "expected_wage": None, "leave_county": False, "note": ""}


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, bool | int | str | list | type(None)) else str(v) for k, v in values.items()}
