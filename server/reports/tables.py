"""Reports from outside the app (a door card, the township's public page) and the counters that limit them."""

from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.households.tables import Household
from server.monitoring.tables import RiskCase
from server.pairing.tables import DoorCard
from server.places.tables import Township, Village


class PublicPage(Table, tablename="public_page"):
    """A township's public page: its help line and its policies in plain words, and the token of its notice-board QR."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, unique=True)
    token = Varchar(length=32, unique=True)
    help_line = Varchar(length=30, default="")
    policies = Text(default="")
    updated_by = ForeignKey(User, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class PublicReport(Table, tablename="public_report"):
    """What someone without an account told the township (server.reports.codes.REPORT_KIND).

    A difficulty comes through a household's door card and opens a risk case at once; a complaint ("no one has
    come") goes to the township office and the inspection group only; a help request comes through the township's
    page and is matched by the office to a household or sent on as an identification application.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    kind = Varchar(length=12)
    township = ForeignKey(Township, null=False, index=True)
    door_card = ForeignKey(DoorCard, null=True, default=None)
    household = ForeignKey(Household, null=True, default=None, index=True)
    village = ForeignKey(Village, null=True, default=None)
    category = Varchar(length=12, default="")  # server.reports.codes.DIFFICULTY
    text = Text(default="")
    name = Varchar(length=40, default="")  # a help request: whom it is about, as written
    callback_phone = Varchar(length=20, default="")
    risk_case = ForeignKey(RiskCase, null=True, default=None)
    state = Varchar(length=10, default="new")  # new → handled
    outcome = Varchar(length=12, default="")  # server.reports.codes.OUTCOME, once handled
    handling_note = Varchar(length=500, default="")
    handled_by = ForeignKey(User, null=True, default=None)
    handled_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class RateCounter(Table, tablename="rate_counter"):
    """How many requests one bucket (a card, a client, a township) made in one fixed window.

    Kept in PostgreSQL, not in a process, so a limit holds across every worker and app host; (bucket, window_start)
    is unique (an index in the migration), so counting up is one INSERT ... ON CONFLICT DO UPDATE.
    """

    id: Serial  # added by Piccolo; annotated for type checkers

    bucket = Varchar(length=80)
    window_start = Timestamptz()
    hits = Integer(default=0)
