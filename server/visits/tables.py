"""Visits, the measures they delivered, their photos, and follow-ups (database rules in migrations/visits/)."""

from piccolo.columns import (
    UUID,
    Date,
    DoublePrecision,
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
from server.households.tables import Household


class Visit(Table):
    """One visit, call, group help or condolence visit by a cadre to a household.

    `client_id` is made by the form when it opens (or by the phone's offline queue), so sending the same
    visit twice finds the same row; `fingerprint` says whether the repeated content is the same.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    client_id = UUID(unique=True)
    household = ForeignKey(Household, null=False)  # indexed with the time: visit_household_latest
    cadre = ForeignKey(User, null=False, index=True)
    visited_at = Timestamptz(default=TimestamptzNow())
    kind = Varchar(length=12, default="home")
    note = Text(default="")
    problems = Text(default="")
    hardship = Varchar(length=12, null=True, default=None)  # server.visits.codes.HARDSHIP: a sudden hardship found
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    accuracy_m = DoublePrecision(null=True, default=None)
    expected_photos = SmallInt(default=0)
    fingerprint = Varchar(length=64, default="")
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class VisitMeasure(Table, tablename="visit_measure"):
    """A measure delivered during a visit: its type (server.codes.MEASURE_TYPE), amount in yuan if any."""

    id: Serial  # added by Piccolo; annotated for type checkers

    visit = ForeignKey(Visit, null=False, index=True)
    type = Varchar(length=20)
    amount = Numeric(digits=(12, 2), null=True, default=None)
    note = Varchar(length=200, default="")
    position = SmallInt(default=0)


class VisitPhoto(Table, tablename="visit_photo"):
    """A photo of a visit, stored by server.media under a content-addressed key."""

    id: Serial  # added by Piccolo; annotated for type checkers

    visit = ForeignKey(Visit, null=False, index=True)
    storage_key = Varchar(length=200)
    thumbnail_key = Varchar(length=200)
    width = Integer(default=0)
    height = Integer(default=0)
    taken_at = Timestamptz(null=True, default=None)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    position = SmallInt(default=0)
    # perceptual hash of the stored picture (server.media.images.perceptual_hash): the same scene sent for another visit
    phash = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class FollowUp(Table, tablename="follow_up"):
    """A return visit due on a date: the regular schedule, a job placement check, or a measure to check."""

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    due_on = Date()
    reason = Varchar(length=12, default="schedule")
    cadre = ForeignKey(User, null=True, default=None, index=True)  # for whom; None: whoever is paired
    created_by = ForeignKey(User, null=True, default=None)
    closed_by_visit = ForeignKey(Visit, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    note = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class PhotoMatch(Table, tablename="photo_match"):
    """A visit photo that looks like one stored earlier for another visit (perceptual hashes within a distance).

    Evidence for the township office and the inspection group, never a gate: the visit was saved as usual.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    photo = ForeignKey(VisitPhoto, null=False, index=True)  # the later photo
    earlier = ForeignKey(VisitPhoto, null=False, index=True)
    distance = SmallInt()  # bits that differ, of the 256
    found_at = Timestamptz(default=TimestamptzNow())


class VisitConfirmation(Table, tablename="visit_confirmation"):
    """The household's confirmation of what a visit did (户主签字): the head's finger signature drawn on the cadre's
    phone (a small PNG kept by server.media), or, for a call, who confirmed it on the phone and when. Optional."""

    id: Serial  # added by Piccolo; annotated for type checkers

    visit = ForeignKey(Visit, null=False, unique=True)
    way = Varchar(length=10)  # "signature" or "call" (server.visits.confirmations.WAYS)
    storage_key = Varchar(length=200, default="")  # the signature's PNG (a signature only)
    width = Integer(default=0)
    height = Integer(default=0)
    confirmed_by = Varchar(length=60, default="")  # who confirmed on the phone (a call only)
    confirmed_at = Timestamptz(default=TimestamptzNow())
    created_at = Timestamptz(default=TimestamptzNow())
