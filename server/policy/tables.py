"""The recorded numbers of the rules: each with its place, the day it takes effect, its source and who recorded it.

Append-only (a database trigger refuses UPDATE and DELETE): a change is a new row, so every figure can be computed
with the numbers that held on its day. The lookup itself is the SQL function `policy_value_id` (migrations/).
"""

from piccolo.columns import Date, ForeignKey, Numeric, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.places.tables import County, Region, Township


class PolicyValue(Table, tablename="policy_value"):
    """One value of one rule (server/policy/registry.py) for one place: a province or city, a county or a township."""

    id: Serial  # added by Piccolo; annotated for type checkers

    rule = Varchar(length=60)
    region = ForeignKey(Region, null=True, default=None, on_delete=OnDelete.restrict)
    county = ForeignKey(County, null=True, default=None, on_delete=OnDelete.restrict)
    township = ForeignKey(Township, null=True, default=None, on_delete=OnDelete.restrict)
    effective_from = Date()  # for a yearly rule, 1 January of its year
    value = Numeric(digits=(14, 4), null=True, default=None)  # NULL: "none" (an optional rule, e.g. no maximum)
    source = Varchar(length=200, default="")  # the document or meeting, e.g. 鲁政办字〔2021〕30号
    recorded_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())
