"""Lists a township submits to the county office, and the county's decision on each household of the list.

One shape for every decision the county takes on a township's list: identification approval and announcement today,
monitoring confirmation, exits later (`kind`). An item names its subject (an application, a risk case, an exit) by
id within its kind; the list as it stood when submitted is kept with the submission (`snapshot`).
"""

from piccolo.columns import JSONB, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import User
from server.households.tables import Household
from server.places.tables import Township


class Submission(Table, tablename="county_submission"):
    """报县审批: one list of households a township sends to its county office for one kind of decision."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    kind = Varchar(length=20)  # server.county.submissions.Kind
    state = Varchar(length=12, default="submitted", index=True)  # submitted → decided → announced
    submitted_by = ForeignKey(User, null=True, default=None)
    submitted_at = Timestamptz(default=TimestamptzNow())
    note = Text(default="")
    snapshot = JSONB(default=[])  # the list as it stood when submitted
    decided_by = ForeignKey(User, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decided_on = Date(null=True, default=None)
    document = Varchar(length=60, default="")  # the county's document number (文号)
    announced_by = ForeignKey(User, null=True, default=None)
    announced_at = Timestamptz(null=True, default=None)
    announcement_starts_on = Date(null=True, default=None)
    announcement_ends_on = Date(null=True, default=None)


class SubmissionItem(Table, tablename="county_submission_item"):
    """One household on a submitted list, and the county's decision on it (approved, or sent back with a reason)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    submission = ForeignKey(Submission, null=False, index=True)
    kind = Varchar(length=20)  # the submission's, so that one subject is pending on one list at a time (an index)
    subject = Integer()  # the application's (risk case's, exit's) id
    household = ForeignKey(Household, null=False, index=True)
    decision = Varchar(length=10, default="pending")  # pending, approved, returned
    reason = Text(default="")  # why it was sent back
