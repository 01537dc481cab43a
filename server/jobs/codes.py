"""The jobs area's code lists: training topics, kinds of work, pay units, physical demands and statuses."""

from __future__ import annotations

from server.codes import CodeList
from server.i18n import N_

TRAINING_TOPIC = CodeList(
    ("skills", N_("Vocational skills training")),
    ("agriculture", N_("Agricultural technology")),
    ("legal", N_("Legal knowledge session")),
    ("yulu", N_("Rain and Dew Plan")),
    ("entrepreneurship", N_("Entrepreneurship training")),
    ("other", N_("Other training")),
)

WORK_KIND = CodeList(
    ("garment", N_("Garment and handicraft")),
    ("farming", N_("Planting and breeding")),
    ("food", N_("Food processing")),
    ("logistics", N_("Logistics and driving")),
    ("construction", N_("Construction")),
    ("cleaning", N_("Cleaning and greening")),
    ("care", N_("Housekeeping and care")),
    ("factory", N_("Factory work")),
    ("other", N_("Other work")),
)

PAY_UNIT = CodeList(
    ("month", N_("per month")),
    ("day", N_("per day")),
    ("piece", N_("per piece")),
)

PHYSICAL = CodeList(
    ("light", N_("Light work")),
    ("medium", N_("Medium work")),
    ("heavy", N_("Heavy work")),
)

JOB_STATUS = CodeList(
    ("open", N_("Open")),
    ("paused", N_("Paused")),
    ("closed", N_("Closed")),
)

REFERRAL_STATUS = CodeList(
    ("referred", N_("Referred")),
    ("interview", N_("Interview")),
    ("hired", N_("Hired")),
    ("rejected", N_("Not hired")),
)

PLACEMENT_STATUS = CodeList(
    ("working", N_("Still working")),
    ("left", N_("Left the job")),
)

SEX = CodeList(("M", N_("Male")), ("F", N_("Female")))

# Labour skills of members who can take a job; 'lost' and 'none' cannot. The labour force ledger's triggers
# (migrations/jobs) hold the same list; tests/jobs/test_labour_force.py checks they agree.
LABOUR_CAPABLE = ("normal", "skilled", "weak")
DAYS_PER_MONTH = 22  # a day wage times this is compared with the township's minimum monthly wage
