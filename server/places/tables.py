"""Tables of the administrative geography: province → city → county → township → village → group."""

from piccolo.columns import Boolean, Date, DoublePrecision, ForeignKey, Integer, Serial, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class Region(Table):
    """省 or 市 above the counties: `level` is 'province' or 'city'; a city's parent is its province."""

    id: Serial  # added by Piccolo; annotated for type checkers

    level = Varchar(length=8)
    parent: ForeignKey["Region"] = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict)
    name = Varchar(length=50)
    code = Varchar(length=12, unique=True)


class County(Table):
    """县, under its city (or directly under its province)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    region = ForeignKey(Region, null=True, default=None, on_delete=OnDelete.restrict)
    name = Varchar(length=50)
    code = Varchar(length=12, unique=True)


class Township(Table):
    """乡镇: the unit that owns households and cadres. Its rules are policy values (server/policy)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    county = ForeignKey(County, null=False)
    name = Varchar(length=50)
    code = Varchar(length=12, unique=True)


class Village(Table):
    """行政村. `key_level` is '' for an ordinary village, else 'provincial' or 'municipal'. A closed village keeps its
    row (its households and visits stay attached to it); `closed_on` says from when no new household is registered."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    name = Varchar(length=50)
    code = Varchar(length=15, unique=True)
    key_level = Varchar(length=12, default="")
    is_pilot = Boolean(default=False)
    population = Integer(default=0)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    has_work_team = Boolean(default=False)  # 驻村工作队: a village work team is stationed here
    closed_on = Date(null=True, default=None)


class VillageGroup(Table, tablename="village_group"):
    """村民小组."""

    id: Serial  # added by Piccolo; annotated for type checkers

    village = ForeignKey(Village, null=False, index=True)
    name = Varchar(length=30)
