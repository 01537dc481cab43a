"""Exit cases (脱贫退出), moved through the states of server/exits/workflow.py, with their steps and objections."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, Serial, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.households.tables import MONEY, Household


class ExitCase(Table, tablename="exit_case"):
    """One household's exit; at most one open case per household (a partial unique index)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    year = Integer()  # the year the household exits (its income and line are that year's)
    state = Varchar(length=10, default="checked", index=True)
    checked_on = Date()  # the village committee and work team's check at home
    per_capita_income = Numeric(digits=MONEY)  # per-capita net income found at the check
    poverty_line = Numeric(digits=MONEY)  # that year's line it was above
    # 两不愁三保障 and safe water, as answered at the check (every one must hold)
    food_clothing_ok = Boolean(default=False)
    schooling_ok = Boolean(default=False)
    medical_ok = Boolean(default=False)
    housing_ok = Boolean(default=False)
    water_ok = Boolean(default=False)
    household_agreed = Boolean(default=False)  # the household agrees to exit
    appraised_on = Date(null=True, default=None)
    representatives_present = SmallInt(null=True, default=None)
    votes_for = SmallInt(null=True, default=None)
    votes_against = SmallInt(null=True, default=None)
    notice_starts_on = Date(null=True, default=None)
    notice_ends_on = Date(null=True, default=None)
    notice_posted_at = Varchar(length=100, default="")
    reviewed_on = Date(null=True, default=None)
    review_note = Text(default="")
    approved_on = Date(null=True, default=None)
    approval_document = Varchar(length=60, default="")  # the county's document number (文号)
    announced_on = Date(null=True, default=None)
    refused_reason = Text(default="")
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ExitStep(Table, tablename="exit_step"):
    """Who took which step of an exit case, and when (also written to the audit trail)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    case = ForeignKey(ExitCase, null=False, index=True, on_delete=OnDelete.cascade)
    step = Varchar(length=10)
    state = Varchar(length=10)  # the state reached
    actor = ForeignKey(User, null=True, default=None)
    actor_label = Varchar(length=80, default="")
    at = Timestamptz(default=TimestamptzNow())
    note = Text(default="")


class ExitObjection(Table, tablename="exit_objection"):
    """An objection received during an exit's village notice, and its answer."""

    id: Serial  # added by Piccolo; annotated for type checkers

    case = ForeignKey(ExitCase, null=False, index=True, on_delete=OnDelete.cascade)
    received_on = Date()
    content = Text()
    raised_by = Varchar(length=60, default="")
    answer = Text(default="")
    answered_on = Date(null=True, default=None)
    answered_by = ForeignKey(User, null=True, default=None)
