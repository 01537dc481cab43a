"""Verification calls, spot checks, their findings and rectification (database rules in migrations/supervision/)."""

from piccolo.columns import (
    UUID,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
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
from server.visits.tables import Visit


class VerificationSample(Table, tablename="verification_sample"):
    """A random draw of recent visits to call back (回访核实): a stated share of each village's and cadre's visits."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    since = Date()
    until = Date()
    share_percent = SmallInt()
    village = ForeignKey(Village, null=True, default=None)  # only this village; None: every village
    visits = Integer(default=0)
    drawn_by = ForeignKey(User, null=True, default=None)
    drawn_at = Timestamptz(default=TimestamptzNow())


class VerificationCall(Table, tablename="verification_call"):
    """One sampled visit, and what the household said when called (server.supervision.codes.CALL_OUTCOME)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    sample = ForeignKey(VerificationSample, null=False, index=True)
    visit = ForeignKey(Visit, null=False, unique=True)  # a visit is sampled once
    outcome = Varchar(length=12, null=True, default=None)
    note = Varchar(length=500, default="")
    called_by = ForeignKey(User, null=True, default=None)
    called_at = Timestamptz(null=True, default=None)
    reviewed_by = ForeignKey(User, null=True, default=None)  # a denied visit looked into by the office
    reviewed_at = Timestamptz(null=True, default=None)
    review_note = Varchar(length=500, default="")


class SpotCheck(Table, tablename="spot_check"):
    """A spot check the inspection group plans: which villages and households, and what to check there."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    title = Varchar(length=100)
    checklist = Text(default="")  # what to check, in the inspectors' words
    planned_on = Date()
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SpotCheckHousehold(Table, tablename="spot_check_household"):
    """A household to visit in a spot check (unique per check: an index in the migration)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    spot_check = ForeignKey(SpotCheck, null=False, index=True)
    household = ForeignKey(Household, null=False)
    position = SmallInt(default=0)


class Finding(Table):
    """A problem found in a spot check, assigned to a responsible person with a deadline; answered until accepted.

    `client_id` is made by the form (or the phone's offline outbox), so sending the same finding twice finds the same
    row: the visits' exactly-once rule (server.submissions). States: open → answered → accepted, or sent back to open.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    client_id = UUID(unique=True)
    spot_check = ForeignKey(SpotCheck, null=False, index=True)
    household = ForeignKey(Household, null=True, default=None, index=True)
    village = ForeignKey(Village, null=False)
    description = Text()
    responsible = ForeignKey(User, null=False, index=True)
    deadline = Date()
    state = Varchar(length=10, default="open")
    found_at = Timestamptz(default=TimestamptzNow())
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    accuracy_m = DoublePrecision(null=True, default=None)
    expected_photos = SmallInt(default=0)
    fingerprint = Varchar(length=64, default="")
    created_by = ForeignKey(User, null=False)
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Rectification(Table):
    """One answer of the responsible person (整改: what was done), and the inspector's verdict on it."""

    id: Serial  # added by Piccolo; annotated for type checkers

    finding = ForeignKey(Finding, null=False, index=True)
    answer = Text()
    answered_by = ForeignKey(User, null=False)
    answered_at = Timestamptz(default=TimestamptzNow())
    verdict = Varchar(length=10, null=True, default=None)  # accepted / sent_back
    verdict_note = Varchar(length=500, default="")
    verdict_by = ForeignKey(User, null=True, default=None)
    verdict_at = Timestamptz(null=True, default=None)


class FindingPhoto(Table, tablename="finding_photo"):
    """A photo of a finding (rectification None) or of the evidence of an answer, stored by server.media."""

    id: Serial  # added by Piccolo; annotated for type checkers

    finding = ForeignKey(Finding, null=False, index=True)
    rectification = ForeignKey(Rectification, null=True, default=None)
    storage_key = Varchar(length=200)
    thumbnail_key = Varchar(length=200)
    width = Integer(default=0)
    height = Integer(default=0)
    taken_at = Timestamptz(null=True, default=None)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    position = SmallInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
