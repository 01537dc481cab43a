"""A form sent twice makes one row: the second sending finds what the first made.

On a weak connection a person taps 保存 again when the first answer is slow or lost, and a browser without JavaScript
sends every tap. A creating form carries a random token (`once_input()`, made each time the form is shown); `create`
claims the token, joined to the form's address and content, in the transaction that creates the row, and keeps the new
row's id with it. Sent again, the claim finds it and `create` returns what the first sending made, without writing
anything; the same page sent with other content makes a row of its own. Two sendings at the same moment: the second
one's claim waits on the key until the first commits (then it finds it) or rolls back (then it goes ahead itself).

Visits and inspection findings have their own, stricter rule (server.submissions: the offline outbox, conflicts
between contents); this one is for the desk's forms that create a row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request
from markupsafe import Markup
from piccolo.columns import UUID, ForeignKey, Integer, OnDelete, Timestamptz
from piccolo.table import Table

from server.accounts.tables import User
from server.conflicts import Conflict
from server.i18n import N_

FIELD = "_once"
KEPT_DAYS = 30  # `bangfu maintain` forgets older tokens: no one sends a form again after a month


class FormSubmission(Table, tablename="form_submission"):
    """A creating form's token, who sent it (None: a villager without an account) and the id of what it made."""

    token = UUID(primary_key=True)
    app_user = ForeignKey(User, null=True, on_delete=OnDelete.cascade)
    made = Integer(null=True, default=None)
    created_at = Timestamptz()


def once_input() -> Markup:
    """The hidden field of a creating form: a fresh token each time the form is shown."""
    return Markup(f'<input type="hidden" name="{FIELD}" value="{uuid.uuid4()}">')  # noqa: S704 -- our own uuid


def token_of(data: Any) -> uuid.UUID:
    """The posted token; a form without one (a page from before this rule) gets a new one: each sending is new."""
    try:
        return uuid.UUID(str(data.get(FIELD) or ""))
    except ValueError:
        return uuid.uuid4()


def sending_key(path: str, data: Any) -> uuid.UUID:
    """The form's token joined to where it was sent and what it says. The same form sent again has the same key; the
    same page sent with other content (restored by the back button without JavaScript, its token with it) or to
    another address has another, and makes a row of its own."""
    fields = sorted((name, str(value)) for name, value in data.multi_items() if name not in (FIELD, "_csrf_token"))
    return uuid.uuid5(token_of(data), json.dumps([path, fields], ensure_ascii=False))


async def create(request: Request[Any, Any, Any], user_id: int | None, make: Callable[[], Awaitable[int]]) -> int:
    """The id of what the posted form asks `make` to create: made now, in one transaction with the form's key, or
    found when the same form was sent before (nothing written again)."""
    key = sending_key(request.url.path, await request.form())
    async with FormSubmission._meta.db.transaction():  # the app's engine (server.piccolo_conf imports this table)
        earlier = await _claim(key, user_id)
        if earlier is not None:
            return earlier
        made = await make()
        await FormSubmission.raw("UPDATE form_submission SET made = {} WHERE token = {}", made, key)
        return made


async def _claim(token: uuid.UUID, user_id: int | None) -> int | None:
    """None the first time; sent before, the id it made then. A second sending waits here while the first one's
    transaction is open."""
    taken = await FormSubmission.raw(
        "INSERT INTO form_submission (token, app_user) VALUES ({}, {}) ON CONFLICT (token) DO NOTHING RETURNING token",
        token,
        user_id,
    )
    if taken:
        return None
    [earlier] = await FormSubmission.raw("SELECT app_user, made FROM form_submission WHERE token = {}", token)
    if earlier["app_user"] != user_id:  # another person's token: what it made is not theirs to be sent to
        raise Conflict(N_("The form is out of date. Reload the page and try again."))
    return int(earlier["made"])
