"""Writing visits: record (exactly once per client id), add photos later, correct within 7 days. No HTTP here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from server import policy
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.clock import TIMEZONE, today
from server.codes import MEASURE_TYPE
from server.households.tables import Household
from server.media.images import StoredImage, StoredSignature
from server.piccolo_conf import DB
from server.policy.registry import FOLLOW_UP_DAYS, MEASURE_CHECK_DAYS, MONITORED_FOLLOW_UP_DAYS
from server.submissions import Outcome, Sent, already_sent, insert_once
from server.visits import confirmations
from server.visits.forms import MAX_PHOTOS, VisitForm
from server.visits.photos import add_photos
from server.visits.queries import create_follow_up
from server.visits.tables import FollowUp, Visit, VisitMeasure

EDIT_WINDOW = timedelta(days=7)
# Money handed over on the spot (a condolence visit's gift, a donation) has nothing left to check later.
UNCHECKED_MEASURES = ("condolence", "donation")
LOCK_NAMESPACE = 5_0001  # pg_advisory_xact_lock(namespace, household): one visit of a household at a time
EDITED_FIELDS = ("visited_at", "kind", "note", "problems", "hardship")


@dataclass(frozen=True)
class FollowUpRule:
    """The household's township's follow-up days on a day, and which of the two applies to this household."""

    ordinary: int
    monitored: int
    is_monitored: bool

    @property
    def days(self) -> int:
        return self.monitored if self.is_monitored else self.ordinary


async def follow_up_rule(household_id: int, on: date | None = None) -> FollowUpRule:
    """Monitored households are followed up sooner (30 days by default) than others (60), as on `on` (today)."""
    day = on or today()
    rows = await Household.raw(
        "SELECT h.monitoring_type IS NOT NULL AS is_monitored,"
        f" {policy.sql(FOLLOW_UP_DAYS, 'v.township', '{}::date')} AS ordinary,"
        f" {policy.sql(MONITORED_FOLLOW_UP_DAYS, 'v.township', '{}::date')} AS monitored"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.id = {}",
        day,
        day,
        household_id,
    )
    return FollowUpRule(**rows[0])


def local_day(moment: datetime) -> date:
    return moment.astimezone(TIMEZONE).date()


async def record_visit(
    user: CurrentUser,
    household_id: int,
    form: VisitForm,
    images: list[StoredImage],
    ip: str = "",
    signature: StoredSignature | None = None,
) -> Outcome:
    """One transaction: the visit, its measures and photos, the household's confirmation, the follow-ups it closes
    and the next one, the audit."""
    fingerprint = form.fingerprint(household_id)
    async with DB.transaction() as transaction:
        await Visit.raw("SELECT pg_advisory_xact_lock({}, {})", LOCK_NAMESPACE, household_id)
        sent = await already_sent(Visit, form.client_id, fingerprint, {"household": household_id, "cadre": user.id})
        if sent.row is not None:
            return await _repeat(sent, user, images)
        visited_at = form.visited_at or datetime.now(UTC)
        days = (await follow_up_rule(household_id, local_day(visited_at))).days
        visit_id = await insert_once(
            transaction, lambda: _insert_visit(user, household_id, form, fingerprint, len(images))
        )
        if visit_id is None:  # the same client id, sent at the same moment for another household
            return Outcome("conflict")
        await _insert_measures(visit_id, form)
        await _schedule_measure_checks(user, household_id, form, local_day(visited_at))
        photos = await add_photos(visit_id, images)
        confirmation = await confirmations.save(visit_id, form, signature)
        due_on = form.next_follow_up_on or local_day(visited_at) + timedelta(days=days)
        await _close_and_schedule(user, household_id, visit_id, form.close_ids, due_on)
        await record(
            "visit_recorded",
            actor=user,
            target_type="visit",
            target_id=visit_id,
            ip=ip,
            detail={
                "household": household_id,
                "kind": form.kind,
                "photos": photos,
                "next_follow_up": str(due_on),
                "hardship": form.hardship or None,
                "confirmation": confirmation,
            },
        )
    return Outcome("created", visit_id, photos, max(form.expected_photos, photos))


async def _repeat(sent: Sent, user: CurrentUser, images: list[StoredImage]) -> Outcome:
    """The same client id again: the same visit if the content is the same (photos sent again are added once)."""
    existing = sent.row
    assert existing is not None
    if not sent.same:
        return Outcome("conflict", existing["id"] if existing["cadre"] == user.id else None)
    photos = await add_photos(existing["id"], images[:MAX_PHOTOS])
    return Outcome("repeated", existing["id"], photos, max(existing["expected_photos"], photos))


async def _insert_visit(
    user: CurrentUser, household_id: int, form: VisitForm, fingerprint: str, photo_count: int
) -> int:
    now = datetime.now(UTC)
    [row] = await Visit.insert(
        Visit(
            client_id=uuid.UUID(form.client_id),
            household=household_id,
            cadre=user.id,
            visited_at=form.visited_at,
            kind=form.kind,
            note=form.note,
            problems=form.problems,
            hardship=form.hardship or None,
            latitude=form.latitude if form.longitude is not None else None,
            longitude=form.longitude if form.latitude is not None else None,
            accuracy_m=form.accuracy_m,
            expected_photos=min(MAX_PHOTOS, max(form.expected_photos, photo_count)),
            fingerprint=fingerprint,
            created_at=now,
            updated_at=now,
        )
    ).returning(Visit.id)
    return int(row["id"])


async def _insert_measures(visit_id: int, form: VisitForm) -> None:
    rows = [
        VisitMeasure(visit=visit_id, type=m.type, amount=m.amount_value(), note=m.note, position=index)
        for index, m in enumerate(form.measures)
    ]
    if rows:
        await VisitMeasure.insert(*rows)


async def _schedule_measure_checks(user: CurrentUser, household_id: int, form: VisitForm, day: date) -> None:
    """A measure that paid money (a subsidy, an allowance) is checked later: did it arrive, did it help? Its
    follow-up ("measure check") is due after the township's days (30 by default); a visit that ticks it closes it."""
    paid = [m for m in form.measures if (m.amount_value() or 0) > 0 and m.type not in UNCHECKED_MEASURES]
    if not paid:
        return
    [row] = await Household.raw(
        f"SELECT {policy.sql(MEASURE_CHECK_DAYS, 'v.township', '{}::date')} AS days"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.id = {}",
        day,
        household_id,
    )
    days = int(row["days"])
    for measure in paid:
        note = f"{MEASURE_TYPE.label(measure.type)} {measure.amount_value():.2f}元 ({day.isoformat()})"
        await create_follow_up(
            household_id, day + timedelta(days=days), "measure", cadre_id=user.id, created_by=user.id, note=note
        )


async def _close_and_schedule(
    user: CurrentUser, household_id: int, visit_id: int, close_ids: list[int], due_on: date
) -> None:
    """The visit answers the ticked follow-ups and replaces the regular one with the next due date."""
    answered = (FollowUp.reason == "schedule") | FollowUp.id.is_in(close_ids or [-1])
    await FollowUp.update({FollowUp.closed_at: datetime.now(UTC), FollowUp.closed_by_visit: visit_id}).where(
        (FollowUp.household == household_id) & FollowUp.closed_at.is_null() & answered
    )
    await FollowUp.insert(
        FollowUp(household=household_id, due_on=due_on, reason="schedule", cadre=user.id, created_by=user.id)
    )


async def add_photos_later(visit_id: int, images: list[StoredImage], user: CurrentUser, ip: str = "") -> Outcome:
    """Photos sent after their visit (one per request from a weak connection or the offline queue)."""
    async with DB.transaction():
        rows = await Visit.raw("SELECT id, expected_photos FROM visit WHERE id = {} FOR UPDATE", visit_id)
        photos = await add_photos(visit_id, images)
        expected = max(rows[0]["expected_photos"], photos)
        if expected != rows[0]["expected_photos"]:
            await Visit.update({Visit.expected_photos: expected}).where(Visit.id == visit_id)
        await record(
            "visit_photo_added",
            actor=user,
            target_type="visit",
            target_id=visit_id,
            ip=ip,
            detail={"photos": photos, "expected": expected},
        )
    return Outcome("repeated", visit_id, photos, expected)


def may_edit(visit: dict[str, Any], user: CurrentUser, now: datetime | None = None) -> bool:
    """Only its own cadre, for 7 days after recording it."""
    moment = now or datetime.now(UTC)
    return bool(visit["cadre"] == user.id and visit["created_at"] >= moment - EDIT_WINDOW)


async def edit_visit(user: CurrentUser, visit: dict[str, Any], form: VisitForm, ip: str = "") -> str:
    """'saved', 'unchanged' or 'stale' (the page was older than the visit: nothing is overwritten)."""
    async with DB.transaction():
        if form.version != visit["version"]:
            return "stale"
        new = {"visited_at": form.visited_at, "kind": form.kind, "note": form.note, "problems": form.problems,
               "hardship": form.hardship or None}  # fmt: skip
        changes: dict[str, list[Any]] = {
            name: [_shown(visit[name]), _shown(new[name])]
            for name in EDITED_FIELDS
            if _shown(visit[name]) != _shown(new[name])
        }
        old_measures = [_measure_text(m["type"], m["amount"], m["note"]) for m in visit["measures"]]
        new_measures = [_measure_text(m.type, m.amount_value(), m.note) for m in form.measures]
        if old_measures != new_measures:
            changes["measures"] = [old_measures, new_measures]
        if not changes:
            return "unchanged"
        updated = await Visit.update(
            {**{getattr(Visit, k): v for k, v in new.items()}, Visit.version: Visit.version + 1,
             Visit.updated_at: datetime.now(UTC)}
        ).where((Visit.id == visit["id"]) & (Visit.version == form.version)).returning(Visit.id)  # fmt: skip
        if not updated:
            return "stale"
        if "measures" in changes:
            await VisitMeasure.delete().where(VisitMeasure.visit == visit["id"])
            await _insert_measures(visit["id"], form)
        await record(
            "visit_edited",
            actor=user,
            target_type="visit",
            target_id=visit["id"],
            ip=ip,
            detail={"household": visit["household"], "changes": changes},
        )
    return "saved"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _measure_text(kind: str, amount: Any, note: str) -> str:
    return " ".join(part for part in (kind, f"{amount:.2f}" if amount is not None else "", note) if part)
