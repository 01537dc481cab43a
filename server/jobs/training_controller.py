"""Routes for trainings: sessions, enrolling members in scope, attendance, and who had no training this year."""

from __future__ import annotations

from decimal import Decimal

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server import once
from server.accounts.sessions import set_flash
from server.clock import today
from server.i18n import N_, gettext
from server.jobs import queries, trainings
from server.jobs.codes import TRAINING_TOPIC, WORK_KIND
from server.jobs.forms import FieldErrors, TrainingForm, money, text
from server.jobs.labour_force import working_ages
from server.jobs.web import AnyRequest, Form, audit, int_or_none, render, staff_only
from server.piccolo_conf import DB
from server.web.auth import current_user
from server.web.errors import found

TRAINING_FIELDS = ("topic", "title", "work_kind", "held_on", "place", "organiser", "trainer", "capacity")


class TrainingController(Controller):
    """培训: sessions of the township and the members of the user's scope enrolled in them."""

    path = "/jobs/trainings"
    guards = [staff_only]  # noqa: RUF012

    @get("/")
    async def trainings(self, request: AnyRequest) -> Template:
        rows = await trainings.trainings_of_township(current_user(request).township_id)
        return await render(request, "jobs/trainings.html", trainings=rows)

    @get("/new")
    async def new(self, request: AnyRequest) -> Template:
        return await self._form(
            request, TrainingForm(values={**dict.fromkeys(TRAINING_FIELDS, ""), "topic": "skills", "capacity": 30})
        )

    async def _form(self, request: AnyRequest, form: TrainingForm, status: int = 200) -> Template:
        choices = {"topics": TRAINING_TOPIC.choices(), "work_kinds": WORK_KIND.choices()}
        return await render(request, "jobs/training_form.html", form=form, status_code=status, **choices)

    @post("/")
    async def create(self, request: AnyRequest, data: Form) -> Template | Redirect:
        user = current_user(request)
        form = TrainingForm.parse(data)
        if form.errors or user.township_id is None:
            return await self._form(request, form, 422)
        township_id = user.township_id

        async def created() -> int:
            training_id = await trainings.create_training(township_id, form.values, user.id)
            await audit(request, "training_created", "training", training_id, title=form.values["title"])
            return training_id

        training_id = await once.create(request, user.id, created)
        await set_flash(user.session_key, "success", N_("Training saved."))
        return Redirect(path=f"/jobs/trainings/{training_id}", status_code=303)

    @get("/{training_id:int}")
    async def training(self, request: AnyRequest, training_id: FromPath[int]) -> Template:
        user = current_user(request)
        training = found(await trainings.training_of_township(user.township_id, training_id))
        rows = await trainings.enrolments(user, training_id)
        total = await trainings.enrolment_count(training_id)
        return await render(request, "jobs/training.html", training=training, enrolments=rows, total=total)

    @post("/{training_id:int}/enrolments")
    async def enrol(self, request: AnyRequest, training_id: FromPath[int], data: Form) -> Redirect:
        user = current_user(request)
        training = found(await trainings.training_of_township(user.township_id, training_id))
        member_id = found(int_or_none(data.get("member_id")))
        found(await trainings.member_in_scope(user, member_id))
        held = training["held_on"] < today()
        attended = held and data.get("attended") == "1"  # recorded after the fact: who took part
        if held and not attended:
            too_late = gettext(
                N_("This training was held on %(day)s: it is too late to enrol."), day=training["held_on"]
            )
            await set_flash(user.session_key, "error", too_late)
            return Redirect(path=f"/jobs/members/{member_id}", status_code=303)
        if await trainings.enrolment_count(training_id) >= training["capacity"]:
            await set_flash(user.session_key, "error", trainings.TRAINING_FULL)
            return Redirect(path=f"/jobs/members/{member_id}", status_code=303)
        async with DB.transaction():  # the enrolment and its audit event, or neither
            enrolled = await trainings.enrol(training_id, member_id, user.id, attended=attended)
            if enrolled:
                await audit(request, "training_enrolled", "member", member_id, training=training_id, attended=attended)
        if enrolled:
            done = N_("Recorded as having attended the training.") if attended else N_("Enrolled in the training.")
            await set_flash(user.session_key, "success", done)
        else:
            await set_flash(user.session_key, "info", N_("Already enrolled in this training."))
        return Redirect(path=f"/jobs/members/{member_id}", status_code=303)

    @post("/{training_id:int}/enrolments/{enrolment_id:int}")
    async def result(
        self, request: AnyRequest, training_id: FromPath[int], enrolment_id: FromPath[int], data: Form
    ) -> Redirect:
        user = current_user(request)
        found(await trainings.training_of_township(user.township_id, training_id))
        errors = FieldErrors()
        subsidy = money(data, "subsidy_paid", errors)
        certificate = text(data, "certificate", 100, errors)
        if errors:
            await set_flash(user.session_key, "error", N_("Enter an amount in yuan, e.g. 2800 or 120.50."))
            return Redirect(path=f"/jobs/trainings/{training_id}", status_code=303)
        attended = data.get("attended") == "1"
        async with DB.transaction():  # the result and its audit event, or neither
            changes = found(await trainings.record_result(
                user, training_id, enrolment_id, attended, certificate, subsidy or Decimal(0)
            ))  # fmt: skip
            if changes:
                await audit(request, "training_result", "enrolment", enrolment_id, changes=changes)
        await set_flash(user.session_key, "success", N_("Saved."))
        return Redirect(path=f"/jobs/trainings/{training_id}", status_code=303)

    @get("/untrained")
    async def untrained(self, request: AnyRequest, year: FromQuery[int | None] = None) -> Template:
        day = queries.today()
        year = year if year and 2000 <= year <= day.year else day.year
        user = current_user(request)
        total, rows = await trainings.untrained_members(user, year)
        ages = await working_ages(user.township_id, day)
        return await render(request, "jobs/untrained.html", total=total, members=rows, year=year, ages=ages)
