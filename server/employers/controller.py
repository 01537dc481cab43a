"""Routes for employers (their jobs and the referrals to them) and for the admin who approves employers."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server import once
from server.accounts.sessions import set_flash
from server.audit.queries import Actor
from server.employers import queries as employers
from server.i18n import N_
from server.jobs import placements, queries, referrals
from server.jobs.codes import DAYS_PER_MONTH, PAY_UNIT, PHYSICAL, WORK_KIND
from server.jobs.forms import OLDEST_JOB_AGE, EmployerForm, FieldErrors, HireForm, JobForm, day, text
from server.jobs.web import AnyRequest, Form, audit, employers_only, render
from server.piccolo_conf import DB
from server.web.auth import client_ip, current_user
from server.web.errors import found
from server.web.guards import requires_admin

NEW_JOB = {
    **dict.fromkeys(queries.JOB_FIELDS),
    "pay_unit": "month",
    "headcount": 1,
    "physical": "medium",
    "work_kind": "other",
}


class EmployerJobsController(Controller):
    """岗位: an employer's own jobs. Another employer's job is a 404."""

    path = "/employer/jobs"
    guards = [employers_only]  # noqa: RUF012

    @get("/")
    async def jobs(self, request: AnyRequest) -> Template:
        user = current_user(request)
        employer = await queries.employer_context(user.employer_id)
        rows = await queries.jobs_of_employer(found(user.employer_id), queries.today())
        return await render(request, "employers/jobs.html", jobs=rows, employer=employer)

    async def _form(self, request: AnyRequest, form: JobForm, job_id: int | None = None, status: int = 200) -> Template:
        employer = found(await queries.employer_context(current_user(request).employer_id))
        choices = {"work_kinds": WORK_KIND.choices(), "pay_units": PAY_UNIT.choices(), "physicals": PHYSICAL.choices()}
        villages = [(village["id"], village["name"]) for village in employer["villages"]]
        context = {"form": form, "job_id": job_id, "employer": employer, "village_choices": villages, **choices}
        context["oldest_job_age"], context["days_per_month"] = OLDEST_JOB_AGE, DAYS_PER_MONTH
        return await render(request, "employers/job_form.html", status_code=status, **context)

    @get("/new")
    async def new(self, request: AnyRequest) -> Template:
        employer = found(await queries.employer_context(current_user(request).employer_id))
        youngest, oldest = employer["working_ages"]
        return await self._form(request, JobForm(values={**NEW_JOB, "age_min": youngest, "age_max": oldest}))

    @post("/")
    async def create(self, request: AnyRequest, data: Form) -> Template | Redirect:
        user = current_user(request)
        employer = found(await queries.employer_context(user.employer_id))
        form = _parse(data, employer)
        if not employer["approved"]:
            form.errors.add("title", N_("Your company is waiting for approval by the township; it cannot post yet."))
        if not form.ok:
            return await self._form(request, form, status=422)

        async def posted() -> int:
            job_id = await queries.create_job(employer, form.values)
            await audit(request, "job_created", "job", job_id, title=form.values["title"])
            return job_id

        job_id = await once.create(request, user.id, posted)
        await set_flash(user.session_key, "success", N_("Job posted."))
        return Redirect(path=f"/employer/jobs/{job_id}", status_code=303)

    @get("/{job_id:int}")
    async def job(self, request: AnyRequest, job_id: FromPath[int]) -> Template:
        user, today = current_user(request), queries.today()
        job = found(await queries.job_of_employer(found(user.employer_id), job_id, today))
        rows = await referrals.referrals_for_employer(job["employer"], today, job_id=job_id)
        return await render(
            request, "employers/job.html", job=job, referrals=rows, share_url=_board_url(request, job_id)
        )

    @get("/{job_id:int}/edit")
    async def edit(self, request: AnyRequest, job_id: FromPath[int]) -> Template:
        user = current_user(request)
        job = found(await queries.job_of_employer(found(user.employer_id), job_id, queries.today()))
        return await self._form(request, JobForm(values=dict(job)), job_id)

    @post("/{job_id:int}")
    async def update(self, request: AnyRequest, job_id: FromPath[int], data: Form) -> Template | Redirect:
        user = current_user(request)
        employer = found(await queries.employer_context(user.employer_id))
        found(await queries.job_of_employer(employer["id"], job_id, queries.today()))
        form = _parse(data, employer)
        if not form.ok:
            return await self._form(request, form, job_id, status=422)
        async with DB.transaction():  # the change and its audit event, or neither
            changes = await queries.update_job(employer["id"], job_id, form.values)
            await audit(request, "job_changed", "job", job_id, changes=changes)
        await set_flash(user.session_key, "success", N_("Job saved."))
        return Redirect(path=f"/employer/jobs/{job_id}", status_code=303)

    @post("/{job_id:int}/status")
    async def status(self, request: AnyRequest, job_id: FromPath[int], data: Form) -> Redirect:
        user = current_user(request)
        status = data.get("status", "")
        if status not in ("open", "paused", "closed"):
            status = "paused"
        async with DB.transaction():
            old = found(await queries.set_job_status(found(user.employer_id), job_id, status))
            await audit(request, "job_status", "job", job_id, changes={"status": [old, status]})
        await set_flash(user.session_key, "success", N_("Job status changed."))
        return Redirect(path=f"/employer/jobs/{job_id}", status_code=303)


def _parse(data: dict[str, str], employer: dict[str, Any]) -> JobForm:
    village_ids = {village["id"] for village in employer["villages"]}
    return JobForm.parse(
        data,
        today=queries.today(),
        minimum_wage=employer["minimum_wage"],
        working_ages=employer["working_ages"],
        village_ids=village_ids,
    )


def _board_url(request: AnyRequest, job_id: int | None = None) -> str:
    return str(request.base_url).rstrip("/") + ("/board" if job_id is None else f"/board/{job_id}")


class EmployerReferralsController(Controller):
    """推荐: referrals to the employer's own jobs, masked; the employer answers interview, hired or rejected."""

    path = "/employer/referrals"
    guards = [employers_only]  # noqa: RUF012

    @get("/")
    async def referrals(self, request: AnyRequest) -> Template:
        rows = await referrals.referrals_for_employer(found(current_user(request).employer_id), queries.today())
        return await render(request, "employers/referrals.html", referrals=rows)

    @get("/{referral_id:int}")
    async def referral(self, request: AnyRequest, referral_id: FromPath[int]) -> Template:
        return await self._page(request, referral_id)

    async def _page(self, request: AnyRequest, referral_id: int, errors: FieldErrors | None = None,
                    values: dict[str, Any] | None = None) -> Template:  # fmt: skip
        employer_id = found(current_user(request).employer_id)
        rows = await referrals.referrals_for_employer(employer_id, queries.today(), referral_id=referral_id)
        context = {"referral": found(rows[0] if rows else None), "errors": errors or {}, "values": values or {}}
        return await render(request, "employers/referral.html", status_code=422 if errors else 200, **context)

    @post("/{referral_id:int}/answer")
    async def answer(self, request: AnyRequest, referral_id: FromPath[int], data: Form) -> Template | Redirect:
        user = current_user(request)
        referral = found(await referrals.referral_for_answer(found(user.employer_id), referral_id))
        answer = data.get("answer", "")
        async with DB.transaction():
            errors, values = await _answer(referral, answer, data, user.username)
            if not errors:
                await audit(request, "referral_answered", "referral", referral_id, answer=answer, **values)
        if errors:
            return await self._page(request, referral_id, errors, data)
        await set_flash(user.session_key, "success", N_("Answer saved."))
        return Redirect(path=f"/employer/referrals/{referral_id}", status_code=303)


async def _answer(
    referral: dict[str, Any], answer: str, data: dict[str, str], actor: str
) -> tuple[FieldErrors, dict[str, Any]]:
    """Apply the employer's answer; errors by field (nothing changed) or the values recorded."""
    errors = FieldErrors()
    if answer not in referrals.ANSWERABLE.get(referral["status"], ()):
        errors.add("answer", referrals.ALREADY_ANSWERED)
        return errors, {}
    if answer == "interview":
        interview_on = day(data, "interview_on", errors)
        if not errors:
            await referrals.set_answer(referral["id"], "interview", interview_on=interview_on)
        return errors, {"interview_on": str(interview_on or "")}
    if answer == "rejected":
        reason = text(data, "reject_reason", 200, errors, required=True)
        if not errors:
            await referrals.set_answer(referral["id"], "rejected", reject_reason=reason)
        return errors, {"reason": reason}
    form = HireForm.parse(data)
    if referral["hired"] >= referral["headcount"]:
        form.errors.add("answer", N_("This job is full: every position has been filled."))
    if form.errors:
        return form.errors, {}
    referred_by = await referrals.referrer_of(referral["id"])
    note = f"{referral['job_title']} · {referral['member_name']}"
    if await placements.hire(referral, form.values, referred_by, note) is None:
        form.errors.add("answer", N_("This job is full: every position has been filled."))
    return form.errors, {k: str(v) for k, v in form.values.items()}


EMPLOYER_FIELDS = ("name", "credit_code", "industry", "contact_name", "phone", "address", "username", "password")


class EmployerAdminController(Controller):
    """The township admin creates employer accounts and approves employers before they can post."""

    path = "/admin/employers"
    guards = [requires_admin]  # noqa: RUF012

    @get("/")
    async def employers(self, request: AnyRequest) -> Template:
        rows = await employers.employers_of_township(current_user(request).township_id)
        return await render(request, "employers/admin_list.html", employers=rows)

    @get("/new")
    async def new(self, request: AnyRequest) -> Template:
        return await render(
            request, "employers/admin_form.html", form=EmployerForm(values=dict.fromkeys(EMPLOYER_FIELDS, ""))
        )

    @post("/")
    async def create(self, request: AnyRequest, data: Form) -> Template | Redirect:
        user = current_user(request)
        form = EmployerForm.parse(data)
        employer_id = None
        if not form.errors and user.township_id is not None:
            approved, by = data.get("approved") == "1", Actor(user, client_ip(request))
            employer_id = await employers.create_employer(user.township_id, form.values, approved, by)
            if employer_id is None:
                form.errors.add("username", N_("This username is taken."))
        if employer_id is None:
            form.values["password"] = ""
            return await render(request, "employers/admin_form.html", form=form, status_code=422)
        await set_flash(user.session_key, "success", N_("Employer account created."))
        return Redirect(path="/admin/employers", status_code=303)

    @post("/{employer_id:int}/approval")
    async def approval(self, request: AnyRequest, employer_id: FromPath[int], data: Form) -> Redirect:
        user = current_user(request)
        approved = data.get("approved") == "1"
        async with DB.transaction():
            found(await employers.set_approved(user.township_id, employer_id, approved) or None)
            await audit(request, "employer_approved" if approved else "employer_unapproved", "employer", employer_id)
        await set_flash(
            user.session_key, "success", N_("Employer approved.") if approved else N_("Approval withdrawn.")
        )
        return Redirect(path="/admin/employers", status_code=303)
