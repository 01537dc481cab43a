"""Writing visits: record (exactly once per client id), add photos later, correct within 7 days. No HTTP here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from server import policy
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.clock import TIMEZONE, today
from server.households.tables import Household
from server.media.images import StoredImage
from server.piccolo_conf import DB
from server.policy.registry import FOLLOW_UP_DAYS, MONITORED_FOLLOW_UP_DAYS
from server.visits.forms import MAX_PHOTOS, VisitForm
from server.visits.photos import add_photos
from server.visits.tables import FollowUp, Visit, VisitMeasure

EDIT_WINDOW = timedelta(days=7)
LOCK_NAMESPACE = 5_0001  # pg_advisory_xact_lock(namespace, household): one visit of a household at a time
EDITED_FIELDS = ("visited_at", "kind", "note", "problems", "hardship")


@dataclass(frozen=True)
class Outcome:
    """What happened to a submission: 'created', 'repeated' (the same visit again) or 'conflict'."""

    status: str
    visit_id: int | None = None
    photos: int = 0
    expected_photos: int = 0

    @property
    def complete(self) -> bool:
        return self.photos >= self.expected_photos


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
    user: CurrentUser, household_id: int, form: VisitForm, images: list[StoredImage], ip: str = ""
) -> Outcome:
    """One transaction: the visit, its measures and photos, the follow-ups it closes and the next one, the audit."""
    fingerprint = form.fingerprint(household_id)
    async with DB.transaction() as transaction:
        await Visit.raw("SELECT pg_advisory_xact_lock({}, {})", LOCK_NAMESPACE, household_id)
        existing = await Visit.select().where(Visit.client_id == uuid.UUID(form.client_id)).first()
        if existing is not None:
            return await _repeat(existing, user, household_id, fingerprint, images)
        visited_at = form.visited_at or datetime.now(UTC)
        days = (await follow_up_rule(household_id, local_day(visited_at))).days
        savepoint = await transaction.savepoint()
        try:
            visit_id = await _insert_visit(user, household_id, form, fingerprint, len(images))
        except asyncpg.UniqueViolationError:  # the same client id, sent at the same moment for another household
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            return Outcome("conflict")
        await _insert_measures(visit_id, form)
        photos = await add_photos(visit_id, images)
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
            },
        )
    return Outcome("created", visit_id, photos, max(form.expected_photos, photos))


async def _repeat(
    existing: dict[str, Any], user: CurrentUser, household_id: int, fingerprint: str, images: list[StoredImage]
) -> Outcome:
    """The same client id again: the same visit if the content is the same (photos sent again are added once)."""
    same = (
        existing["fingerprint"] == fingerprint
        and existing["household"] == household_id
        and existing["cadre"] == user.id
    )
    if not same:
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


async def open_follow_ups(household_id: int) -> list[dict[str, Any]]:
    """Open follow-ups of a household, soonest first, with `due` = within the coming week (ticked by default)."""
    rows = (
        await FollowUp.select(FollowUp.id, FollowUp.due_on, FollowUp.reason, FollowUp.note)
        .where((FollowUp.household == household_id) & FollowUp.closed_at.is_null())
        .order_by(FollowUp.due_on)
    )
    week = today() + timedelta(days=7)
    for row in rows:
        row["due"] = row["due_on"] <= week
    return rows


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
