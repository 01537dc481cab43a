"""Findings and rectification (整改): recorded exactly once (also from the phone's outbox), answered with what was
done and evidence, accepted or sent back by the inspector. One transaction each, audited. No HTTP here."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.i18n import N_
from server.identification.workflow import Refusal, StepRefused
from server.media.attach import attach_photos
from server.media.images import StoredImage
from server.piccolo_conf import DB
from server.submissions import Outcome, Sent, already_sent, insert_once
from server.supervision.forms import FindingForm
from server.supervision.tables import Finding, FindingPhoto, Rectification

LOCK_NAMESPACE = 5_0017  # pg_advisory_xact_lock(namespace, spot check): one finding of a check at a time
NOT_YOURS = Refusal(N_("Only the person responsible can answer this finding."))
NOT_OPEN = Refusal(N_("This finding is not waiting for an answer."))
NOT_ANSWERED = Refusal(N_("This finding has no answer waiting for a verdict."))


async def record_finding(
    user: CurrentUser, check: dict[str, Any], village_id: int, form: FindingForm, images: list[StoredImage], ip: str
) -> Outcome:
    """The finding, its photos and the audit; the same client id again finds the same finding (server.submissions)."""
    fingerprint = form.fingerprint(check["id"])
    async with DB.transaction() as transaction:
        await Finding.raw("SELECT pg_advisory_xact_lock({}, {})", LOCK_NAMESPACE, check["id"])
        sent = await already_sent(Finding, form.client_id, fingerprint, {"created_by": user.id})
        if sent.row is not None:
            return await _repeat(sent, images)
        finding_id = await insert_once(transaction, lambda: _insert(user, check, village_id, form, fingerprint, images))
        if finding_id is None:
            return Outcome("conflict")
        await attach_photos(FindingPhoto, {"finding": finding_id}, images)
        await record("finding_recorded", actor=user, target_type="finding", target_id=finding_id, ip=ip,
                     detail={"spot_check": check["id"], "household": int(form.household),
                             "responsible": int(form.responsible), "deadline": form.deadline,
                             "photos": len(images)})  # fmt: skip
    return Outcome("created", finding_id, len(images), max(form.expected_photos, len(images)))


async def _insert(
    user: CurrentUser, check: dict[str, Any], village_id: int, form: FindingForm, fingerprint: str,
    images: list[StoredImage],
) -> int:  # fmt: skip
    now = datetime.now(UTC)
    [row] = await Finding.insert(
        Finding(
            client_id=uuid.UUID(form.client_id),
            spot_check=check["id"],
            household=int(form.household),
            village=village_id,
            description=form.description,
            responsible=int(form.responsible),
            deadline=form.deadline_day,
            found_at=form.found_at,
            latitude=form.latitude if form.longitude is not None else None,
            longitude=form.longitude if form.latitude is not None else None,
            accuracy_m=form.accuracy_m,
            expected_photos=max(form.expected_photos, len(images)),
            fingerprint=fingerprint,
            created_by=user.id,
            created_at=now,
            updated_at=now,
        )
    ).returning(Finding.id)
    return int(row["id"])


async def _repeat(sent: Sent, images: list[StoredImage]) -> Outcome:
    existing = sent.row
    assert existing is not None
    if not sent.same:
        return Outcome("conflict")
    await attach_photos(FindingPhoto, {"finding": existing["id"]}, images)
    count = await _finding_photo_count(existing["id"])
    return Outcome("repeated", existing["id"], count, max(existing["expected_photos"], count))


async def _finding_photo_count(finding_id: int) -> int:
    return int(
        await FindingPhoto.count().where((FindingPhoto.finding == finding_id) & FindingPhoto.rectification.is_null())
    )


async def add_photos_later(user: CurrentUser, finding_id: int, images: list[StoredImage], ip: str) -> Outcome:
    """A photo the outbox sends after its finding (one per request)."""
    async with DB.transaction():
        rows = await Finding.raw("SELECT id, expected_photos FROM finding WHERE id = {} FOR UPDATE", finding_id)
        await attach_photos(FindingPhoto, {"finding": finding_id}, images)
        count = await _finding_photo_count(finding_id)
        expected = max(rows[0]["expected_photos"], count)
        await Finding.update({Finding.expected_photos: expected}).where(Finding.id == finding_id)
        await record("finding_photo_added", actor=user, target_type="finding", target_id=finding_id, ip=ip,
                     detail={"photos": count})  # fmt: skip
    return Outcome("repeated", finding_id, count, expected)


async def _locked(finding_id: int) -> dict[str, Any]:
    rows = await Finding.raw("SELECT * FROM finding WHERE id = {} FOR UPDATE", finding_id)
    if not rows:
        raise StepRefused(NOT_OPEN)
    return dict(rows[0])


async def answer(user: CurrentUser, finding_id: int, text: str, images: list[StoredImage], ip: str) -> None:
    """整改: what the responsible person did, with evidence; the finding then waits for the inspector's verdict."""
    async with DB.transaction():
        finding = await _locked(finding_id)
        if finding["responsible"] != user.id:
            raise StepRefused(NOT_YOURS)
        if finding["state"] != "open":
            raise StepRefused(NOT_OPEN)
        [row] = await Rectification.insert(
            Rectification(finding=finding_id, answer=text, answered_by=user.id, answered_at=datetime.now(UTC))
        ).returning(Rectification.id)
        await attach_photos(FindingPhoto, {"finding": finding_id, "rectification": row["id"]}, images)
        await _set_state(finding_id, "answered")
        await record("rectification_answered", actor=user, target_type="finding", target_id=finding_id, ip=ip,
                     detail={"rectification": row["id"], "photos": len(images),
                             "late": datetime.now(UTC).date() > finding["deadline"]})  # fmt: skip


async def decide(user: CurrentUser, finding_id: int, verdict: str, note: str, ip: str) -> None:
    """The inspector accepts the answer (the finding is closed) or sends it back (open again, same deadline)."""
    async with DB.transaction():
        finding = await _locked(finding_id)
        if finding["state"] != "answered":
            raise StepRefused(NOT_ANSWERED)
        updated = (
            await Rectification.update(
                {
                    Rectification.verdict: verdict,
                    Rectification.verdict_note: note,
                    Rectification.verdict_by: user.id,
                    Rectification.verdict_at: datetime.now(UTC),
                }
            )
            .where((Rectification.finding == finding_id) & Rectification.verdict.is_null())
            .returning(Rectification.id)
        )
        if not updated:
            raise StepRefused(NOT_ANSWERED)
        await _set_state(finding_id, "accepted" if verdict == "accepted" else "open")
        await record(f"rectification_{verdict}", actor=user, target_type="finding", target_id=finding_id, ip=ip,
                     detail={"rectification": updated[0]["id"]})  # fmt: skip


async def _set_state(finding_id: int, state: str) -> None:
    await Finding.update(
        {Finding.state: state, Finding.version: Finding.version + 1, Finding.updated_at: datetime.now(UTC)}
    ).where(Finding.id == finding_id)


def is_overdue(finding: dict[str, Any], today: date) -> bool:
    """Past its deadline with no answer in (an answer waiting for the inspector is not the responsible's delay)."""
    return bool(finding["state"] == "open" and finding["deadline"] < today)
