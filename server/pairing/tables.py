"""Pairings of cadres with households; an ended pairing stays as history."""

from piccolo.columns import Date, ForeignKey, Serial, SmallInt, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.households.tables import Household


class Pairing(Table):
    """A cadre responsible for a household (帮扶责任人) from `started_on` until `ended_on`.

    At most one active pairing per (household, cadre) and per (household, rank): partial unique
    indexes in the migration, so two admins pairing at once cannot break the rule.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    cadre = ForeignKey(User, null=False, index=True)
    rank = SmallInt(default=1)  # 1: first responsible cadre, 2: second
    started_on = Date()
    ended_on = Date(null=True, default=None)
    start_reason = Varchar(length=200, default="")
    end_reason = Varchar(length=200, default="")
    created_by = ForeignKey(User, null=True, default=None)
    ended_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class DoorCard(Table, tablename="door_card"):
    """The token a household's printed door card carries in its QR code: random, never an id or anything personal.

    At most one card per household is in force (a partial unique index); revoking it and printing a new one gives a
    new token, and the old QR then opens a plain 404.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    token = Varchar(length=32, unique=True)
    issued_at = Timestamptz(default=TimestamptzNow())
    issued_by = ForeignKey(User, null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(User, null=True, default=None)
