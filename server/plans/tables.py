"""Help plans: one per household and year, drafted by the responsible cadre, with their planned measures."""

from piccolo.columns import UUID, Date, ForeignKey, Integer, Numeric, Serial, SmallInt, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.households.tables import MONEY, Household


class HelpPlan(Table, tablename="help_plan"):
    """帮扶计划: a household's plan for one year (unique per household and year, in the database)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    year = Integer()
    drafted_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class HelpPlanItem(Table, tablename="help_plan_item"):
    """A planned measure: its type (server.codes.MEASURE_TYPE), what, by when, how much, and the expected result."""

    id: Serial  # added by Piccolo; annotated for type checkers

    plan = ForeignKey(HelpPlan, null=False, index=True, on_delete=OnDelete.cascade)
    client_id = UUID(unique=True)  # made when the form opens: the same form sent twice adds one item
    type = Varchar(length=20)
    what = Varchar(length=200, default="")
    due_on = Date()
    amount = Numeric(digits=MONEY, null=True, default=None)
    target = Varchar(length=200, default="")
    position = SmallInt(default=0)
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
