"""The audit table; a database trigger (see migrations) forbids UPDATE and early DELETE, and the app role may
only INSERT and SELECT (server/operations/roles.py)."""

from piccolo.columns import JSONB, BigSerial, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User


class AuditEvent(Table, tablename="audit_event"):
    """One thing that happened: who, what, to which record, from where."""

    id = BigSerial(primary_key=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    # RESTRICT, not CASCADE: a cascade runs with the table owner's rights, so the app could erase old entries by
    # deleting an account. Accounts are disabled, never deleted.
    actor = ForeignKey(
        User, null=True, default=None, index=True, on_delete=OnDelete.restrict, on_update=OnUpdate.restrict
    )
    actor_label = Varchar(length=80, default="")  # the username typed, also for unknown users
    action = Varchar(length=40, index=True)
    target_type = Varchar(length=30, default="")
    target_id = Varchar(length=40, default="")
    ip = Varchar(length=45, default="")
    detail = JSONB(default={})
