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
