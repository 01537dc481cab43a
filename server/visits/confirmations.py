"""The household confirms a visit (户主签字): the head's finger signature drawn on the cadre's phone, kept as a small
PNG through the photo intake (server.media), or for a call, who confirmed it on the phone and when. Optional, never
a gate; the 帮扶手册 shows it in its 户主签字 column."""

from __future__ import annotations

import base64
import binascii

from server.media.images import NOT_A_SIGNATURE, ImageRejected, StoredSignature, ingest_signature
from server.media.storage import Storage
from server.visits.forms import SIGNATURE_PREFIX, VisitForm
from server.visits.tables import VisitConfirmation

WAYS = ("signature", "call")


def signature_bytes(text: str) -> bytes:
    """The PNG of a `data:image/png;base64,...` value; ImageRejected when it is not one."""
    try:
        return base64.b64decode(text.removeprefix(SIGNATURE_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ImageRejected(NOT_A_SIGNATURE) from None


async def ingest(form: VisitForm, storage: Storage) -> StoredSignature | None:
    """Check and store the signature before the visit's transaction (as photos are); None without one."""
    if not form.signature:
        return None
    return await ingest_signature(signature_bytes(form.signature), storage=storage)


async def save(visit_id: int, form: VisitForm, signature: StoredSignature | None) -> str | None:
    """The confirmation of a new visit, in its transaction; the way it was confirmed, or None."""
    if signature is not None:
        await VisitConfirmation.insert(
            VisitConfirmation(
                visit=visit_id,
                way="signature",
                storage_key=signature.key,
                width=signature.width,
                height=signature.height,
                confirmed_at=form.visited_at,
            )
        )
        return "signature"
    if form.call_confirmed_by:
        await VisitConfirmation.insert(
            VisitConfirmation(
                visit=visit_id, way="call", confirmed_by=form.call_confirmed_by, confirmed_at=form.call_confirmed_at
            )
        )
        return "call"
    return None
