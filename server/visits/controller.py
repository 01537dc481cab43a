"""Routes for recording a visit, adding its photos, correcting it, and seeing it (detail and photos)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.accounts.sessions import set_flash
from server.clock import local_time, today
from server.i18n import N_, gettext
from server.media.images import NOT_A_SIGNATURE
from server.media.storage import Storage, media_response
from server.observability.metrics import VISITS_RECEIVED
from server.submissions import Outcome
from server.visits import confirmations, pages, recording
from server.visits.codes import FOLLOW_UP_REASON, HARDSHIP, NOTE_PHRASES, VISIT_KIND
from server.visits.forms import MeasureRow, VisitForm
from server.visits.photos import ImageRejected, StorageUnavailable, ingest_uploads, uploads_of
from server.visits.recording import local_day
from server.web.auth import client_ip, current_user
from server.web.guards import requires_township_staff
from server.web.templating import page

VISIT_BODY_LIMIT = 64 * 1024 * 1024  # nine unshrunk phone photos still fit; each is checked by server.media
PHOTO_BODY_LIMIT = 16 * 1024 * 1024
CONFLICT = N_("A different visit was already sent with this form. Open a new form to record another visit.")
STALE = N_("Someone changed this visit after you opened the page. Your change was not saved; reload and try again.")
LOCKED = N_("A visit can be corrected only by its cadre, within 7 days.")
STORE_DOWN = N_(
    "The photo store is not answering right now, so the visit was not saved. Please send it again in a few minutes."
)
PHOTO_STORE_DOWN = N_(
    "The photo store is not answering right now, so this photo was not saved. Please send it again in a few minutes."
)
RETRY_AFTER = {"Retry-After": "60"}


def wants_json(request: Request[Any, Any, Any]) -> bool:
    """The phone's offline queue asks for JSON: only an explicit answer from Bangfu counts as sent."""
    return "application/json" in request.headers.get("accept", "")


def channel(request: Request[Any, Any, Any]) -> str:
    return "outbox" if wants_json(request) else "form"


def refusal_json(msgid: str, status_code: int) -> Response[dict[str, Any]]:
    headers = RETRY_AFTER if status_code == 503 else None
    return Response({"error": gettext(msgid)}, status_code=status_code, media_type=MediaType.JSON, headers=headers)


def outcome_json(outcome: Outcome, status_code: int = 200, photos_url: str = "") -> Response[dict[str, Any]]:
    """The outbox's answer: `photos_url` says where its photos go (one per request); a visit's by default."""
    body = {"status": outcome.status, "visit": outcome.id, "id": outcome.id, "photos": outcome.photos,
            "expected_photos": outcome.expected_photos, "complete": outcome.complete,
            "photos_url": photos_url or f"/visits/{outcome.id}/photos"}  # fmt: skip
    return Response(body, status_code=status_code, media_type=MediaType.JSON)


async def vpage(request: Request[Any, Any, Any], template_name: str, **context: Any) -> Template:
    """`page` with the visit code lists the templates label with."""
    return await page(
        request,
        template_name,
        visit_kinds=VISIT_KIND,
        follow_up_reasons=FOLLOW_UP_REASON,
        hardships=HARDSHIP,
        note_phrases=NOTE_PHRASES,
        **context,
    )


async def message_page(request: Request[Any, Any, Any], status_code: int, message: str, back: str) -> Template:
    return await vpage(request, "visits/message.html", status_code=status_code, message=message, back=back)


class HouseholdVisitController(Controller):
    """Recording a visit to one household."""

    path = "/households/{household_id:int}"
    guards = [requires_township_staff]  # noqa: RUF012

    @get("/visits/new", media_type=MediaType.HTML)
    async def new_visit(self, request: Request[Any, Any, Any], household_id: FromPath[int]) -> Any:
        shown = await self._shown(request, household_id)
        due = local_day(datetime.now(UTC)) + timedelta(days=shown["rule"].days)
        return await self._form(request, household_id, VisitForm.blank(datetime.now(UTC), due), shown=shown)

    @get("/visits")
    async def visits_address(self, household_id: FromPath[int]) -> Redirect:
        """The form's action opened as a page (an old address in the history): the form itself."""
        return Redirect(path=f"/households/{household_id}/visits/new", status_code=303)

    @post("/visits", request_max_body_size=VISIT_BODY_LIMIT, media_type=MediaType.HTML)
    async def create_visit(
        self, request: Request[Any, Any, Any], household_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Any:
        await self._household(request, household_id)  # 404 outside the user's scope, before reading the upload
        data = await request.form()
        uploads = uploads_of(data)
        form = VisitForm.parse(data, photo_count=len(uploads), now=datetime.now(UTC))
        if form.errors:
            return await self._form(request, household_id, form, status_code=422)
        try:
            images = await ingest_uploads(uploads, storage)
            signature = await confirmations.ingest(form, storage)
        except (ImageRejected, StorageUnavailable) as refused:
            return await self._refused(request, household_id, form, refused)
        user = current_user(request)
        outcome = await recording.record_visit(user, household_id, form, images, client_ip(request), signature)
        VISITS_RECEIVED.labels(channel(request), outcome.status).inc()
        return await self._answer(request, outcome)

    async def _refused(
        self, request: Request[Any, Any, Any], household_id: int, form: VisitForm, refused: Exception
    ) -> Any:
        """A refused photo (422/413), or the photo store down (503: the phone's outbox keeps the visit)."""
        msgid, status_code = (
            (refused.msgid, refused.status_code) if isinstance(refused, ImageRejected) else (STORE_DOWN, 503)
        )
        VISITS_RECEIVED.labels(channel(request), "photo_refused" if status_code < 500 else "store_unavailable").inc()
        if wants_json(request):
            return refusal_json(msgid, status_code)
        form.errors["signature" if msgid == NOT_A_SIGNATURE else "photos"] = msgid
        return await self._form(request, household_id, form, status_code=422 if status_code < 500 else 503)

    async def _answer(self, request: Request[Any, Any, Any], outcome: Outcome) -> Any:
        if outcome.status == "conflict":
            if wants_json(request):
                return Response({"error": gettext(CONFLICT)}, status_code=409, media_type=MediaType.JSON)
            return await message_page(
                request, 409, CONFLICT, f"/visits/{outcome.visit_id}" if outcome.visit_id else "/"
            )
        if wants_json(request):
            return outcome_json(outcome, 201 if outcome.status == "created" else 200)
        if outcome.status == "created":
            await set_flash(current_user(request).session_key, "success", N_("Visit saved."))
        return Redirect(path=f"/visits/{outcome.visit_id}", status_code=303)

    async def _household(self, request: Request[Any, Any, Any], household_id: int) -> dict[str, Any]:
        household = await pages.household_header(current_user(request), household_id)
        if household is None:
            raise NotFoundException()
        return household

    async def _shown(self, request: Request[Any, Any, Any], household_id: int) -> dict[str, Any]:
        shown = await pages.visit_form(current_user(request), household_id)
        if shown is None:
            raise NotFoundException()
        return shown

    async def _form(
        self,
        request: Request[Any, Any, Any],
        household_id: int,
        form: VisitForm,
        status_code: int = 200,
        shown: dict[str, Any] | None = None,
    ) -> Template:
        """The form; `shown`, what pages.visit_form read, when the caller has it already."""
        shown = shown or await self._shown(request, household_id)
        # The follow-ups a visit answers by ticking them (the schedule's own is replaced by the next one anyway).
        explicit = [row for row in shown["follow_ups"] if row["reason"] != "schedule"]
        if request.method == "GET":
            form.close_ids = [row["id"] for row in explicit if row["due"]]
        return await vpage(
            request,
            "visits/new.html",
            status_code=status_code,
            household=shown["household"],
            form=form,
            explicit=explicit,
            follow_up_rule=shown["rule"],
            # The browser refuses an earlier day before the photos go (the server's check would send them back).
            earliest_follow_up=today() + timedelta(days=1),
        )


class VisitController(Controller):
    """One recorded visit: its page, photos sent later, corrections, and its photo files."""

    guards = [requires_township_staff]  # noqa: RUF012

    @get("/visits/{visit_id:int}")
    async def visit(self, request: Request[Any, Any, Any], visit_id: FromPath[int]) -> Template:
        visit = await self._visit(request, visit_id)
        return await vpage(request, "visits/visit.html", visit=visit)

    @post("/visits/{visit_id:int}/photos", request_max_body_size=PHOTO_BODY_LIMIT, media_type=MediaType.HTML)
    async def add_photos(
        self, request: Request[Any, Any, Any], visit_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Any:
        user, visit = current_user(request), await self._visit(request, visit_id)
        if visit["cadre"] != user.id or not (visit["editable"] or visit["missing_photos"]):
            return await message_page(request, 403, LOCKED, f"/visits/{visit_id}")
        uploads = uploads_of(await request.form())
        if not uploads and not wants_json(request):  # the visit's page sent without a photo chosen
            return await self._photo_error(request, visit, N_("Choose the photos to add."), 422)
        if len(visit["photos"]) + len(uploads) > 9:
            return await self._photo_error(request, visit, N_("At most 9 photos per visit."), 422)
        try:
            images = await ingest_uploads(uploads, storage)
        except ImageRejected as rejected:
            return await self._photo_error(request, visit, rejected.msgid, rejected.status_code)
        except StorageUnavailable:
            return await self._photo_error(request, visit, PHOTO_STORE_DOWN, 503)
        outcome = await recording.add_photos_later(visit_id, images, user, client_ip(request))
        if wants_json(request):
            return outcome_json(outcome)
        added = outcome.photos - len(visit["photos"])  # a photo the visit has already is kept once
        if added:
            await set_flash(user.session_key, "success", gettext(N_("%(n)s photos added."), n=added))
        else:
            await set_flash(user.session_key, "info", N_("The visit has these photos already: nothing was added."))
        return Redirect(path=f"/visits/{visit_id}", status_code=303)

    async def _photo_error(
        self, request: Request[Any, Any, Any], visit: dict[str, Any], msgid: str, status_code: int
    ) -> Any:
        if wants_json(request):
            return refusal_json(msgid, status_code)
        page_status = 503 if status_code == 503 else 422
        return await vpage(request, "visits/visit.html", status_code=page_status, visit=visit, photo_error=msgid)

    @get("/visits/{visit_id:int}/edit", media_type=MediaType.HTML)
    async def edit_form(self, request: Request[Any, Any, Any], visit_id: FromPath[int]) -> Any:
        visit = await self._visit(request, visit_id)
        if not visit["editable"]:
            return await message_page(request, 403, LOCKED, f"/visits/{visit_id}")
        return await vpage(request, "visits/edit.html", visit=visit, form=edit_form_of(visit))

    @post("/visits/{visit_id:int}/edit", media_type=MediaType.HTML)
    async def edit(self, request: Request[Any, Any, Any], visit_id: FromPath[int]) -> Any:
        user, visit = current_user(request), await self._visit(request, visit_id)
        if not visit["editable"]:
            return await message_page(request, 403, LOCKED, f"/visits/{visit_id}")
        form = VisitForm.parse(await request.form(), photo_count=0, now=datetime.now(UTC), editing=True)
        form.expected_photos = len(visit["photos"])
        if form.errors:
            return await vpage(request, "visits/edit.html", status_code=422, visit=visit, form=form)
        result = await recording.edit_visit(user, visit, form, client_ip(request))
        if result == "stale":
            return await message_page(request, 409, STALE, f"/visits/{visit_id}/edit")
        if result == "saved":
            await set_flash(user.session_key, "success", N_("The visit was corrected."))
        return Redirect(path=f"/visits/{visit_id}", status_code=303)

    @get("/media/visits/{visit_id:int}/signature", cache=False)
    async def signature(
        self, request: Request[Any, Any, Any], visit_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Response[bytes]:
        """The head's signature on a visit the viewer may see."""
        confirmation = (await self._visit(request, visit_id))["confirmation"]
        if confirmation is None or confirmation["way"] != "signature":
            raise NotFoundException()
        return await media_response(request, str(confirmation["storage_key"]), storage)

    @get("/media/visits/{photo_id:int}", cache=False)
    async def photo(
        self, request: Request[Any, Any, Any], photo_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Response[bytes]:
        return await media_response(request, await self._photo_key(request, photo_id, "storage_key"), storage)

    @get("/media/visits/{photo_id:int}/thumb", cache=False)
    async def thumbnail(
        self, request: Request[Any, Any, Any], photo_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Response[bytes]:
        return await media_response(request, await self._photo_key(request, photo_id, "thumbnail_key"), storage)

    async def _photo_key(self, request: Request[Any, Any, Any], photo_id: int, column: str) -> str:
        photo = await pages.photo_for_viewer(current_user(request), photo_id)
        if photo is None:
            raise NotFoundException()
        return str(photo[column])

    async def _visit(self, request: Request[Any, Any, Any], visit_id: int) -> dict[str, Any]:
        visit = await pages.visit_detail(current_user(request), visit_id)
        if visit is None:
            raise NotFoundException()
        return visit


def edit_form_of(visit: dict[str, Any]) -> VisitForm:
    return VisitForm(
        client_id="",
        visited_at_text=local_time(visit["visited_at"], "%Y-%m-%dT%H:%M"),
        kind=visit["kind"],
        note=visit["note"],
        problems=visit["problems"],
        hardship=visit["hardship"] or "",
        measures=[
            MeasureRow(m["type"], f"{m['amount']:.2f}" if m["amount"] is not None else "", m["note"])
            for m in visit["measures"]
        ]
        or [MeasureRow()],
        version=visit["version"],
    )
