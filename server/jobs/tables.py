"""Tables of the jobs area: trainings and enrolments, job posts, wishes, referrals, placements and their checks."""

from decimal import Decimal

from piccolo.columns import (
    Array,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.employers.tables import Employer
from server.households.tables import Household, Member
from server.places.tables import Township, Village

MONEY = (12, 2)
ZERO = Decimal(0)


class LabourForce(Table, tablename="labour_force"):
    """The labour force ledger (劳动力台账): a narrow row per labour-capable member (ordinary, skilled or weak labour)
    of a registered or monitored household, whatever the age. Triggers on member and household keep it in step
    (migrations/jobs); matching scans it instead of joining 155,000 members to their households for every job."""

    id: Serial  # added by Piccolo; annotated for type checkers

    member = ForeignKey(Member, null=False, unique=True)
    household = ForeignKey(Household, null=False)
    village = ForeignKey(Village, null=False, index=True)
    born = Varchar(length=8)  # 'YYYYMMDD' from the ID number, in the "C" collation: compares and sorts like a date
    labour_skill = Varchar(length=8)
    health = Varchar(length=10)


class Training(Table):
    """A training session (培训) held for household members; `topic` is a code of server.jobs.codes.TRAINING_TOPIC."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    topic = Varchar(length=16, default="skills")
    title = Varchar(length=100)
    work_kind = Varchar(length=16, default="")  # the kind of work it prepares for ('' = none in particular)
    held_on = Date()
    place = Varchar(length=100, default="")
    organiser = Varchar(length=100, default="")
    trainer = Varchar(length=50, default="")
    capacity = SmallInt(default=30)
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class TrainingEnrolment(Table, tablename="training_enrolment"):
    """A member enrolled in a training; attendance, certificate and subsidy are recorded on it."""

    id: Serial  # added by Piccolo; annotated for type checkers

    training = ForeignKey(Training, null=False, index=True)
    member = ForeignKey(Member, null=False, index=True)
    attended = Boolean(default=False)
    certificate = Varchar(length=100, default="")  # certificate name or number; '' = none
    subsidy_paid = Numeric(digits=MONEY, default=ZERO)
    enrolled_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class JobPost(Table, tablename="job_post"):
    """A job an employer posts; `status` is open, paused or closed; wages are in yuan per `pay_unit`."""

    id: Serial  # added by Piccolo; annotated for type checkers

    employer = ForeignKey(Employer, null=False, index=True)
    township = ForeignKey(Township, null=False, index=True)
    title = Varchar(length=60)
    work_kind = Varchar(length=16, default="other")
    place = Varchar(length=100, default="")
    village = ForeignKey(Village, null=True, default=None)  # where the work is, when it is in the township
    outside_county = Boolean(default=False)
    wage_min = Numeric(digits=MONEY)
    wage_max = Numeric(digits=MONEY)
    pay_unit = Varchar(length=8, default="month")
    headcount = SmallInt(default=1)
    working_hours = Varchar(length=100, default="")
    age_min = SmallInt(default=16)
    age_max = SmallInt(default=60)
    needs_skill = Boolean(default=False)
    skills = Varchar(length=200, default="")
    physical = Varchar(length=8, default="medium")
    housing = Boolean(default=False)
    meals = Boolean(default=False)
    description = Text(default="")
    start_date = Date(null=True, default=None)
    closing_date = Date()
    is_public_welfare = Boolean(default=False)
    is_workshop = Boolean(default=False)
    low_wage_confirmed = Boolean(default=False)
    status = Varchar(length=8, default="open", index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MemberWish(Table, tablename="member_wish"):
    """What work a member wants (求职意愿): kinds of work, expected monthly wage, willing to leave the county."""

    id: Serial  # added by Piccolo; annotated for type checkers

    member = ForeignKey(Member, null=False, unique=True)
    work_kinds = Array(Varchar(length=16), default=list)
    expected_wage = Integer(null=True, default=None)  # yuan per month
    leave_county = Boolean(default=False)
    note = Varchar(length=200, default="")
    updated_by = ForeignKey(User, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class Referral(Table):
    """A cadre's referral (推荐) of a member to a job, with the member's consent; the employer answers it."""

    id: Serial  # added by Piccolo; annotated for type checkers

    job = ForeignKey(JobPost, null=False, index=True)
    member = ForeignKey(Member, null=False, index=True)
    referred_by = ForeignKey(User, null=True, default=None)
    consent = Boolean(default=False)
    note = Varchar(length=200, default="")
    status = Varchar(length=10, default="referred", index=True)
    interview_on = Date(null=True, default=None)
    reject_reason = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    answered_at = Timestamptz(null=True, default=None)


class Placement(Table):
    """A hired referral: the worker's employment record, kept up to date by the follow-up checks."""

    id: Serial  # added by Piccolo; annotated for type checkers

    referral = ForeignKey(Referral, null=False, unique=True)
    start_date = Date()
    monthly_wage = Numeric(digits=MONEY)
    has_contract = Boolean(default=False)
    has_social_insurance = Boolean(default=False)
    status = Varchar(length=8, default="working", index=True)  # working or left
    months_employed = SmallInt(default=0)
    last_wage = Numeric(digits=MONEY, null=True, default=None)
    counted_wage_income = Numeric(digits=MONEY, default=ZERO)  # what this job added to the household's wage income
    created_at = Timestamptz(default=TimestamptzNow())


class PlacementCheck(Table, tablename="placement_check"):
    """A follow-up of a placement after 1, 3 or 6 months: still working? at what wage?"""

    id: Serial  # added by Piccolo; annotated for type checkers

    placement = ForeignKey(Placement, null=False, index=True)
    months = SmallInt()
    due_on = Date()
    cadre = ForeignKey(User, null=True, default=None)
    follow_up_id = Integer(null=True, default=None)  # the visits area's follow-up, when it was created
    still_working = Boolean(null=True, default=None)
    monthly_wage = Numeric(digits=MONEY, null=True, default=None)
    note = Varchar(length=200, default="")
    answered_by = ForeignKey(User, null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
