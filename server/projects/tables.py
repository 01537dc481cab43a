"""Projects, their quantities, funding sources, progress notes and beneficiary households (rules in migrations)."""

from decimal import Decimal

from piccolo.columns import Date, ForeignKey, Integer, Numeric, Serial, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.households.tables import Household
from server.places.tables import Township, Village

MONEY = (12, 2)  # yuan
QUANTITY = (12, 2)


class Project(Table):
    """One project of a village (or of the whole township when `village` is empty); money in yuan."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    village = ForeignKey(Village, null=True, default=None, index=True)
    name = Varchar(length=100)
    kind = Varchar(length=16, default="other")  # server.projects.codes.PROJECT_KIND
    year = Integer()
    status = Varchar(length=12, default="planned")  # server.projects.codes.PROJECT_STATUS
    budget = Numeric(digits=MONEY, default=Decimal(0))
    progress_percent = SmallInt(default=0)
    started_on = Date(null=True, default=None)
    planned_completion_on = Date(null=True, default=None)
    completed_on = Date(null=True, default=None)
    accepted_on = Date(null=True, default=None)
    note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ProjectQuantity(Table, tablename="project_quantity"):
    """What was built: 2850 m² of road, 60 m³ of reservoir, 3.1 km of pipe..."""

    id: Serial  # added by Piccolo; annotated for type checkers

    project = ForeignKey(Project, null=False, index=True, on_delete=OnDelete.cascade)
    position = SmallInt(default=0)
    item = Varchar(length=60, default="")  # e.g. 硬化道路, 蓄水池, 管道
    value = Numeric(digits=QUANTITY)
    unit = Varchar(length=12)  # server.projects.codes.UNIT


class ProjectFunding(Table, tablename="project_funding"):
    """The part of a project's budget one funding source pays (one row per source)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    project = ForeignKey(Project, null=False, index=True, on_delete=OnDelete.cascade)
    source = Varchar(length=16)  # server.projects.codes.FUNDING_SOURCE
    amount = Numeric(digits=MONEY)


class ProjectProgress(Table, tablename="project_progress"):
    """A dated note on how far a project has come."""

    id: Serial  # added by Piccolo; annotated for type checkers

    project = ForeignKey(Project, null=False, index=True, on_delete=OnDelete.cascade)
    noted_on = Date()
    percent = SmallInt()
    note = Text(default="")
    author = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ProjectBeneficiary(Table, tablename="project_beneficiary"):
    """A household that benefits from a project."""

    id: Serial  # added by Piccolo; annotated for type checkers

    project = ForeignKey(Project, null=False, index=True, on_delete=OnDelete.cascade)
    household = ForeignKey(Household, null=False, index=True)
