"""Risk cases of return-to-poverty monitoring (database rules in migrations/monitoring/)."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.households.tables import MONEY, Household
from server.places.tables import Village
from server.visits.tables import Visit


class RiskCase(Table, tablename="risk_case"):
    """One household's risk, moved through the states of server/monitoring/workflow.py.

    found → noticed → monitored → cleared; at most one case per household is open (a partial unique index). The
    database keeps each case's `village` (its household's, by which a place's open cases are read) by triggers on
    every write; Piccolo does not know of it.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    state = Varchar(length=10, default="found", index=True)
    source = Varchar(length=12)  # server.monitoring.codes.RISK_SOURCE
    source_visit = ForeignKey(Visit, null=True, default=None)  # the visit that recorded the sudden hardship
    found_on = Date()
    note = Varchar(length=200, default="")
    notice_starts_on = Date(null=True, default=None)
    notice_ends_on = Date(null=True, default=None)
    confirmed_on = Date(null=True, default=None)
    monitoring_type = Varchar(length=12, null=True, default=None)  # server.codes.MONITORING_TYPE
    cleared_on = Date(null=True, default=None)
    # 两不愁三保障 + safe water, as checked when the risk was cleared
    food_clothing_ok = Boolean(null=True, default=None)
    schooling_ok = Boolean(null=True, default=None)
    medical_ok = Boolean(null=True, default=None)
    housing_ok = Boolean(null=True, default=None)
    water_ok = Boolean(null=True, default=None)
    cleared_income = Numeric(digits=MONEY, null=True, default=None)  # per-capita net income when cleared
    cleared_line = Numeric(digits=MONEY, null=True, default=None)  # the monitoring line it was above
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class StatusEvent(Table, tablename="status_event"):
    """A household's status changed by a recorded step, on its day: lifted out by an exit's announcement, or
    returned to poverty by a monitoring confirmation. The return-to-poverty rate by year counts these rows (with the
    household's people then), never the current status, so a past year's figure does not move with today's register.
    The database keeps each event's `next_on` (the household's next event of the same kind, which ends the years the
    event counts for) and `village` (its household's, by which a place's events are read) by triggers on every write;
    Piccolo does not know of either."""

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    status_from = Varchar(length=16)
    status_to = Varchar(length=16)
    happened_on = Date(index=True)
    people = Integer(default=0)  # members of the household on that day
    source = Varchar(length=12)  # "exit" (exit_case) or "monitoring" (risk_case)
    source_id = Integer()
    recorded_at = Timestamptz(default=TimestamptzNow())


class ClosedReturnRate(Table, tablename="return_rate_closed"):
    """A village's return-to-poverty figure for a year the township closed: kept as it stood, whatever is recorded
    later (one row per village and year)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    village = ForeignKey(Village, null=False, index=True)
    year = Integer()
    lifted = Integer(default=0)
    returned = Integer(default=0)
    lifted_people = Integer(default=0)
    returned_people = Integer(default=0)
    closed_by = ForeignKey(User, null=True, default=None)
    closed_at = Timestamptz(default=TimestamptzNow())
