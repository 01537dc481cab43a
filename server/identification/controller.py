"""Routes of the identification workflow (精准识别): villages, applications, meetings, notices and printouts.

Admins take the steps; leaders see everything read-only. Everything is within the user's township (else 404).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from server import policy
from server.clock import today
from server.i18n import N_
from server.identification import applying, queries, steps
from server.identification.applying import DuplicateIdNumber
from server.identification.forms import (
    AnswerForm,
    DecisionForm,
    ExistingForm,
    FamilyForm,
    MeetingForm,
    NoticeForm,
    ObjectionForm,
    SettingsForm,
    SurveyForm,
)
from server.identification.rows import village_cells
from server.identification.rules import POLICY_RULES, township_rules
from server.identification.tables import Objection
from server.identification.workflow import (
    SEND_BACK_NAME,
    TRANSITIONS,
    Refusal,
    State,
    Step,
    StepRefused,
    notice_exit_refusal,
    registration_refusal,
)
from server.web.auth import current_user
from server.web.guards import requires_admin, requires_leader_or_admin
from server.web.steps import actor_of, done, refusal_page
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]
refused_page = refusal_page("/identification")
COUNTY_STEP = Refusal(N_("The county approval is taken by the county poverty office, on the list the township sends."))


class IdentificationController(Controller):
    """The township's villages and each village's applications, meeting, notice and printouts."""

    path = "/identification"
    guards = [requires_leader_or_admin]  # noqa: RUF012
    exception_handlers = {StepRefused: refused_page}  # noqa: RUF012

    @get("/")
    async def overview(self, request: Req) -> Template:
        user = current_user(request)
        overview = await queries.villages_overview(user.township_id)
        return await page(
            request, "identification/index.html",
            overview=overview, village_cells=village_cells(overview.villages), can_edit=user.is_admin,
        )  # fmt: skip

    @get("/villages/{village_id:int}")
    async def village(self, request: Req, village_id: FromPath[int]) -> Template:
        user = current_user(request)
        return await page(request, "identification/village.html", **await village_context(user, village_id))

    @get("/villages/{village_id:int}/notice")
    async def printable_notice(
        self, request: Req, village_id: FromPath[int], kind: FromQuery[str] = "village", notice: FromQuery[int] = 0
    ) -> Template:
        user = current_user(request)
        village = await queries.village_of(user, village_id)
        context = await notice_context(user.township_id, village, kind, notice)
        return await page(
            request, "identification/notice.html", village=village, announcement=kind == "announcement", **context
        )

    @get("/villages/{village_id:int}/apply", guards=[requires_admin])
    async def apply_form(
        self, request: Req, village_id: FromPath[int], head_name: FromQuery[str] = "", phone: FromQuery[str] = ""
    ) -> Template:
        """`head_name` and `phone` prefill the form from a villager's help request (server.reports)."""
        village = await queries.village_of(current_user(request), village_id)
        return await apply_page(request, village, FamilyForm(values={"head_name": head_name[:30], "phone": phone[:20]}))

    @post("/villages/{village_id:int}/apply", guards=[requires_admin])
    async def apply_new_family(self, request: Req, village_id: FromPath[int], data: Form) -> Template | Redirect:
        village = await queries.village_of(current_user(request), village_id)
        form = FamilyForm.parse(data, {g["id"] for g in await queries.groups_of(village_id)})
        if not form.errors:
            try:
                app_id = await applying.apply_for_new_family(actor_of(request), village, form.values)
                return await done(
                    request, N_("The application was recorded."), f"/identification/applications/{app_id}"
                )
            except DuplicateIdNumber as duplicate:
                form.errors["id_number"] = duplicate.message
        return await apply_page(request, village, form, status_code=422)

    @post("/villages/{village_id:int}/apply-existing", guards=[requires_admin])
    async def apply_existing(self, request: Req, village_id: FromPath[int], data: Form) -> Template | Redirect:
        village = await queries.village_of(current_user(request), village_id)
        form = ExistingForm.parse(data)
        if form.errors:
            return await apply_page(request, village, FamilyForm(), existing=form, status_code=422)
        app_id = await applying.apply_for_household(actor_of(request), village, form.values)
        return await done(request, N_("The application was recorded."), f"/identification/applications/{app_id}")

    @get("/villages/{village_id:int}/meeting", guards=[requires_admin])
    async def meeting_form(self, request: Req, village_id: FromPath[int]) -> Template:
        return await meeting_page(request, village_id, MeetingForm())

    @post("/villages/{village_id:int}/meeting", guards=[requires_admin])
    async def hold_meeting(self, request: Req, village_id: FromPath[int]) -> Template | Redirect:
        user = current_user(request)
        village = await queries.village_of(user, village_id)
        data = await request.form()
        ids = [int(value) for value in data.getall("application", []) if str(value).isdigit()]
        form = MeetingForm.parse(data, await township_rules(user.township_id), village["population"], ids)
        if form.errors:
            return await meeting_page(request, village_id, form, status_code=422)
        await steps.hold_meeting(actor_of(request), village_id, form.values, form.votes)
        return await done(
            request, N_("The democratic appraisal was recorded."), f"/identification/villages/{village_id}"
        )

    @get("/villages/{village_id:int}/notices/new", guards=[requires_admin])
    async def notice_form(self, request: Req, village_id: FromPath[int]) -> Template:
        return await notice_form_page(request, village_id, NoticeForm())

    @post("/villages/{village_id:int}/notices", guards=[requires_admin])
    async def start_notice(self, request: Req, village_id: FromPath[int]) -> Template | Redirect:
        user = current_user(request)
        await queries.village_of(user, village_id)
        data = await request.form()
        ids = [int(value) for value in data.getall("application", []) if str(value).isdigit()]
        form = NoticeForm.parse(data, await township_rules(user.township_id))
        if form.errors:
            return await notice_form_page(request, village_id, form, status_code=422)
        await steps.start_notice(actor_of(request), village_id, ids, form.values)
        return await done(request, N_("The village notice was recorded."), f"/identification/villages/{village_id}")

    @post("/notices/{notice_id:int}/objections", guards=[requires_admin])
    async def add_objection(self, request: Req, notice_id: FromPath[int], data: Form) -> Template | Redirect:
        user = current_user(request)
        notice = await queries.notice_by_id(notice_id)
        if notice is None:
            raise NotFoundException()
        await queries.village_of(user, notice["village"])
        apps = await queries.applications("a.notice = {}", notice_id)
        form = ObjectionForm.parse(data, {row["id"] for row in apps})
        if form.errors:
            context = await village_context(user, notice["village"], objection_form=form, objecting=notice_id)
            return await page(request, "identification/village.html", status_code=422, **context)
        await steps.add_objection(actor_of(request), notice, form.values)
        return await done(request, N_("The objection was recorded."), f"/identification/villages/{notice['village']}")

    @post("/objections/{objection_id:int}/answer", guards=[requires_admin])
    async def answer_objection(self, request: Req, objection_id: FromPath[int], data: Form) -> Template | Redirect:
        user = current_user(request)
        row = (
            await Objection.select(Objection.notice.village.as_alias("village"))
            .where(Objection.id == objection_id)
            .first()
        )
        if row is None:
            raise NotFoundException()
        await queries.village_of(user, row["village"])
        form = AnswerForm.parse(data)
        if form.errors:
            context = await village_context(user, row["village"], answer_form=form, answering=objection_id)
            return await page(request, "identification/village.html", status_code=422, **context)
        await steps.answer_objection(actor_of(request), objection_id, form.values)
        return await done(request, N_("The answer was recorded."), f"/identification/villages/{row['village']}")

    @get("/settings")
    async def settings(self, request: Req) -> Template:
        user = current_user(request)
        values = await queries.township_settings(user.township_id)
        return await settings_page(request, SettingsForm(values=values))

    @post("/settings", guards=[requires_admin])
    async def save_settings(self, request: Req, data: Form) -> Template | Redirect:
        user = current_user(request)
        form = SettingsForm.parse(data)
        if form.errors or user.township_id is None:
            return await settings_page(request, form, status_code=422)
        await steps.save_settings(actor_of(request), user.township_id, form.values)
        return await done(request, N_("The settings were saved."), "/identification/settings")


class ApplicationController(Controller):
    """One application and the steps taken on it alone: survey, preliminary list, review, approval, registration."""

    path = "/identification/applications"
    guards = [requires_leader_or_admin]  # noqa: RUF012
    exception_handlers = {StepRefused: refused_page}  # noqa: RUF012

    @get("/{application_id:int}")
    async def application(self, request: Req, application_id: FromPath[int]) -> Template:
        return await application_page(request, application_id)

    @post("/{application_id:int}/survey", guards=[requires_admin])
    async def survey(self, request: Req, application_id: FromPath[int], data: Form) -> Template | Redirect:
        user = current_user(request)
        app = await queries.application_of(user, application_id)
        village = await queries.village_of(user, app["village"])
        form = SurveyForm.parse(data, await township_rules(user.township_id), village["population"])
        if form.errors:
            return await application_page(request, application_id, survey_form=form, status_code=422)
        await steps.survey(actor_of(request), application_id, form.values)
        return await done(
            request, N_("The home survey was recorded."), f"/identification/applications/{application_id}"
        )

    @post("/{application_id:int}/shortlist", guards=[requires_admin])
    async def shortlist(self, request: Req, application_id: FromPath[int]) -> Redirect:
        await queries.application_of(current_user(request), application_id)
        await steps.shortlist(actor_of(request), application_id)
        return await done(request, N_("Put on the preliminary list."), f"/identification/applications/{application_id}")

    @post("/{application_id:int}/review", guards=[requires_admin])
    async def review(self, request: Req, application_id: FromPath[int], data: Form) -> Template | Redirect:
        await queries.application_of(current_user(request), application_id)
        form = DecisionForm.parse_review(data)
        if form.errors:
            return await application_page(request, application_id, review_form=form, status_code=422)
        await steps.review(actor_of(request), application_id, form.values)
        return await done(
            request, N_("The township review was recorded."), f"/identification/applications/{application_id}"
        )

    @post("/{application_id:int}/approve")
    async def approve(self, request: Req, application_id: FromPath[int]) -> Template:
        """The county approves on the list the township sends (server.county): the township cannot approve here."""
        await queries.application_of(current_user(request), application_id)
        back = f"/identification/applications/{application_id}"
        message = COUNTY_STEP.message()
        return await page(request, "identification/refused.html", status_code=403, message=message, back=back)

    @post("/{application_id:int}/register", guards=[requires_admin])
    async def register(self, request: Req, application_id: FromPath[int]) -> Redirect:
        await queries.application_of(current_user(request), application_id)
        await steps.register(actor_of(request), application_id)
        return await done(
            request, N_("The household is now registered."), f"/identification/applications/{application_id}"
        )


# Page builders shared by the GET handlers and the POST handlers that re-render a form with its errors.


async def village_context(user: Any, village_id: int, **extra: Any) -> dict[str, Any]:
    village = await queries.village_of(user, village_id)
    rows = await queries.village_applications(village_id)
    notices = await queries.notices_to_show(village_id, today())
    objections = await queries.objections_by_notice([notice["id"] for notice in notices])
    for notice in notices:
        notice["apps"] = [row for row in rows if row["notice"] == notice["id"]]
        notice["objections"] = objections.get(notice["id"], [])
    rules = await township_rules(user.township_id)
    return {
        "village": village,
        "groups": queries.by_state(rows),
        "has": {state: any(row["state"] == state for row in rows) for state in State},
        "notices": notices,
        "rules": rules,
        "can_edit": user.is_admin,
        "objecting": extra.pop("objecting", None),  # the notice whose objection form came back with errors
        "objection_form": extra.pop("objection_form", ObjectionForm()),
        "answer_form": extra.pop("answer_form", AnswerForm()),
        "answering": extra.pop("answering", None),
        **extra,
    }


async def apply_page(
    request: Req,
    village: dict[str, Any],
    form: FamilyForm,
    existing: ExistingForm | None = None,
    status_code: int = 200,
) -> Template:
    return await page(
        request,
        "identification/apply.html",
        status_code=status_code,
        village=village,
        form=form,
        existing=existing or ExistingForm(),
        groups=await queries.groups_of(village["id"]),
        households=await queries.unregistered_households(village["id"]),
    )


async def meeting_page(request: Req, village_id: int, form: MeetingForm, status_code: int = 200) -> Template:
    user = current_user(request)
    village = await queries.village_of(user, village_id)
    rules = await township_rules(user.township_id)
    rows = [row for row in await queries.village_applications(village_id) if row["state"] == State.PRELIMINARY]
    minimum = rules.representatives_minimum(village["population"])
    return await page(
        request,
        "identification/meeting.html",
        status_code=status_code,
        village=village,
        form=form,
        rows=rows,
        minimum=minimum,
    )


async def notice_form_page(request: Req, village_id: int, form: NoticeForm, status_code: int = 200) -> Template:
    user = current_user(request)
    village = await queries.village_of(user, village_id)
    rules = await township_rules(user.township_id)
    rows = [row for row in await queries.village_applications(village_id) if row["state"] == State.APPRAISED]
    return await page(
        request,
        "identification/notice_form.html",
        status_code=status_code,
        village=village,
        form=form,
        rows=rows,
        rules=rules,
    )


async def application_page(request: Req, application_id: int, status_code: int = 200, **forms: Any) -> Template:
    user = current_user(request)
    app = await queries.application_of(user, application_id)
    village = await queries.village_of(user, app["village"])
    rules = await township_rules(user.township_id)
    notice = await queries.notice_by_id(app["notice"])
    objections = [
        o
        for o in (await queries.objections_of(notice["id"]) if notice else [])
        if o["application"] in (None, application_id)
    ]
    unanswered = sum(1 for o in objections if o["answered_on"] is None)
    review_refusal = notice_exit_refusal(today(), notice["ends_on"] if notice else None, unanswered)
    county_list = await queries.approving_list(application_id) if app["state"] == State.APPROVED else None
    register_refusal = registration_refusal(today(), county_list) if app["state"] == State.APPROVED else None
    steps_taken = await queries.steps_of(application_id)
    return await page(
        request,
        "identification/application.html",
        status_code=status_code,
        app=app,
        village=village,
        steps=steps_taken,
        meeting=await queries.meeting_by_id(app["meeting"]),
        notice=notice,
        objections=objections,
        review_refusal=review_refusal.message() if review_refusal else "",
        county_list=county_list,
        register_refusal=register_refusal.message() if register_refusal else "",
        step_names={step.value: transition.name for step, transition in TRANSITIONS.items()}
        | {Step.SEND_BACK.value: SEND_BACK_NAME},
        survey_minimum=rules.survey_team_minimum(village["population"]),
        rules=rules,
        today=today().isoformat(),
        can_edit=user.is_admin,
        survey_form=forms.get("survey_form", SurveyForm(values={"member_count": app["member_count"]})),
        review_form=forms.get("review_form", DecisionForm()),
        sent_back=sent_back(app, steps_taken),
    )


def sent_back(app: dict[str, Any], steps_taken: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The county's latest "no", while the application waits for the township to review it again."""
    if app["state"] != State.NOTICED:
        return None
    backs = [s for s in steps_taken if s["step"] == Step.SEND_BACK]
    return backs[-1] if backs else None


async def settings_page(request: Req, form: SettingsForm, status_code: int = 200) -> Template:
    """The objection office (the admin edits it here) and the identification rules in force (changed on /policy)."""
    user = current_user(request)
    rules = await policy.in_township(list(POLICY_RULES.values()), user.township_id)
    return await page(
        request,
        "identification/settings.html",
        status_code=status_code,
        form=form,
        can_edit=user.is_admin,
        rules=rules,
        number_text=policy.number_text,
    )


async def notice_context(
    township_id: int | None, village: dict[str, Any], kind: str, notice_id: int = 0
) -> dict[str, Any]:
    """The printable page: a village notice's households (the one asked for, else the latest), or the county's
    announcement."""
    settings = await queries.township_settings(township_id)
    office = {name: settings[name] for name in queries.OFFICE_FIELDS}
    township = await queries.township_name(township_id)
    if kind == "announcement":
        rows = queries.announced(await queries.village_applications(village["id"]))
        return {"rows": queries.public_rows(rows), "notice": None, "office": office, "township": township}
    asked = await queries.notice_by_id(notice_id) if notice_id else None
    notice = asked if asked and asked["village"] == village["id"] else await queries.latest_notice(village["id"])
    rows = await queries.applications("a.notice = {}", notice["id"]) if notice else []
    return {"rows": queries.public_rows(rows), "notice": notice, "office": office, "township": township}
