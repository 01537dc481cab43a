"""Tables of the administrative geography: county → township → village → group."""

from piccolo.columns import Boolean, DoublePrecision, ForeignKey, Integer, Serial, SmallInt, Varchar
from piccolo.table import Table


class County(Table):
    """县."""

    id: Serial  # added by Piccolo; annotated for type checkers

    name = Varchar(length=50)
    code = Varchar(length=12, unique=True)


class Township(Table):
    """乡镇: the unit that owns households, cadres and rules. Every rule is data with the source's default."""

    id: Serial  # added by Piccolo; annotated for type checkers

    county = ForeignKey(County, null=False)
    name = Varchar(length=50)
    code = Varchar(length=12, unique=True)
    leader_quota = SmallInt(default=3)  # households a leader must be paired with, at least
    cadre_quota = SmallInt(default=1)  # households an ordinary party member must be paired with, at least
    quota_maximum = SmallInt(null=True, default=None)  # optional cap per cadre
    unvisited_alert_days = SmallInt(default=60)  # "not visited in the last N days" on dashboards
    follow_up_days = SmallInt(default=60)  # next visit due after a visit, ordinary households
    monitored_follow_up_days = SmallInt(default=30)  # the same for monitored households
    monitoring_margin_percent = SmallInt(default=10)  # "near the monitoring line": within this percentage above it
    minimum_monthly_wage = Integer(default=1900)  # yuan; job posts below it need the employer's confirmation


class Village(Table):
    """行政村. `key_level` is '' for an ordinary village, else 'provincial' or 'municipal'."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    name = Varchar(length=50)
    code = Varchar(length=15, unique=True)
    key_level = Varchar(length=12, default="")
    is_pilot = Boolean(default=False)
    population = Integer(default=0)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)


class VillageGroup(Table, tablename="village_group"):
    """村民小组."""

    id: Serial  # added by Piccolo; annotated for type checkers

    village = ForeignKey(Village, null=False, index=True)
    name = Varchar(length=30)
