"""Tables of the identification workflow: applications, their steps, village meetings, notices, objections."""

from piccolo.columns import (
    Array,
    Boolean,
    Date,
    ForeignKey,
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
from server.households.tables import Household
from server.places.tables import Township, Village


class IdentificationSettings(Table, tablename="identification_settings"):
    """A township's objection office, printed on notices (its identification rules are policy values)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, unique=True)
    office_name = Varchar(length=60, default="")  # e.g. 临涧镇扶贫办
    office_address = Varchar(length=200, default="")
    office_phone = Varchar(length=30, default="")  # the office's public phone, printed on notices


class AppraisalMeeting(Table, tablename="appraisal_meeting"):
    """民主评议: one village representatives' meeting, covering several applications (votes are per application)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    village = ForeignKey(Village, null=False, index=True)
    held_on = Date()
    representatives_present = SmallInt()
    place = Varchar(length=100, default="")
    recorded_by = ForeignKey(User, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class VillageNotice(Table, tablename="village_notice"):
    """公示: the village notice of the applications appraised in one round."""

    id: Serial  # added by Piccolo; annotated for type checkers

    village = ForeignKey(Village, null=False, index=True)
    starts_on = Date()
    ends_on = Date()
    posted_at = Varchar(length=100, default="")  # where it hangs, e.g. 村委会公示栏
    recorded_by = ForeignKey(User, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class Application(Table, tablename="identification_application"):
    """One household's application, moved through the states of server/identification/workflow.py."""

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    village = ForeignKey(Village, null=False, index=True)
    state = Varchar(length=16, default="applied", index=True)
    applied_on = Date()
    reason = Text(default="")
    declared_income = Numeric(digits=(12, 2), null=True, default=None)  # per-capita net income, yuan per year
    member_count = SmallInt(default=1)
    survey_team = Array(Varchar(length=30), default=list)
    surveyed_on = Date(null=True, default=None)
    survey_findings = Text(default="")
    survey_eligible = Boolean(null=True, default=None)
    meeting = ForeignKey(AppraisalMeeting, null=True, default=None)
    votes_for = SmallInt(null=True, default=None)
    votes_against = SmallInt(null=True, default=None)
    appraisal_passed = Boolean(null=True, default=None)
    notice = ForeignKey(VillageNotice, null=True, default=None, index=True)
    reviewed_on = Date(null=True, default=None)
    review_note = Text(default="")
    approved_on = Date(null=True, default=None)
    approval_document = Varchar(length=60, default="")  # the county's document number (文号)
    struck_out_reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ApplicationStep(Table, tablename="identification_step"):
    """Who took which step of an application, and when (also written to the audit trail)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    application = ForeignKey(Application, null=False, index=True)
    step = Varchar(length=16)
    state = Varchar(length=16)  # the state reached
    actor = ForeignKey(User, null=True, default=None)
    actor_label = Varchar(length=80, default="")
    at = Timestamptz(default=TimestamptzNow())
    note = Text(default="")


class Objection(Table, tablename="notice_objection"):
    """An objection received during a village notice, and its answer."""

    id: Serial  # added by Piccolo; annotated for type checkers

    notice = ForeignKey(VillageNotice, null=False, index=True)
    application = ForeignKey(Application, null=True, default=None)  # the household it is about, if any
    received_on = Date()
    content = Text()
    raised_by = Varchar(length=60, default="")
    answer = Text(default="")
    answered_on = Date(null=True, default=None)
    answered_by = ForeignKey(User, null=True, default=None)
