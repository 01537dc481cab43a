"""Households and their members."""

from decimal import Decimal

from piccolo.columns import (
    Array,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Numeric,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.places.tables import Village, VillageGroup

ZERO = Decimal(0)
MONEY = (12, 2)
AREA = (10, 2)


class Household(Table):
    """One registered or monitored household. Per-capita net income is computed (`server.households.income`), never
    typed: PostgreSQL keeps it with the row for the queries that judge many households (the generated column
    `per_capita_income`, which Piccolo does not know of, as `member_count` kept by triggers)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    code = Varchar(length=20, unique=True)
    village = ForeignKey(Village, null=False, index=True)
    group = ForeignKey(VillageGroup, null=True, default=None)
    phone = Varchar(length=20, default="")
    address = Varchar(length=200, default="")
    attribute = Varchar(length=12, default="general")
    main_cause = Varchar(length=20, default="other")
    secondary_causes = Array(Varchar(length=20), default=list)
    status = Varchar(length=16, default="not_out", index=True)
    monitoring_type = Varchar(length=12, null=True, default=None, index=True)
    identified_year = Integer(null=True, default=None)
    housing_area = Numeric(digits=AREA, null=True, default=None)
    housing_structure = Varchar(length=16, default="")
    dilapidated_grade = Varchar(length=1, default="")  # '', 'C' or 'D'
    safe_water = Boolean(default=True)
    cultivated_mu = Numeric(digits=AREA, default=ZERO)
    irrigated_mu = Numeric(digits=AREA, default=ZERO)
    forest_mu = Numeric(digits=AREA, default=ZERO)
    orchard_mu = Numeric(digits=AREA, default=ZERO)
    water_surface_mu = Numeric(digits=AREA, default=ZERO)
    pasture_mu = Numeric(digits=AREA, default=ZERO)
    income_year = Integer(null=True, default=None)
    wage_income = Numeric(digits=MONEY, default=ZERO)
    business_income = Numeric(digits=MONEY, default=ZERO)
    property_income = Numeric(digits=MONEY, default=ZERO)
    transfer_income = Numeric(digits=MONEY, default=ZERO)
    production_cost = Numeric(digits=MONEY, default=ZERO)
    bank_name = Varchar(length=50, default="", secret=True)
    bank_account = Varchar(length=30, default="", secret=True)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Member(Table):
    """A person in a household. Sex and birth date come from the ID number (GB 11643)."""

    id: Serial  # added by Piccolo; annotated for type checkers

    household = ForeignKey(Household, null=False, index=True)
    name = Varchar(length=30)
    initials = Varchar(length=10, default="", index=True)  # pinyin initials for search, e.g. 'zs'
    pinyin = Varchar(length=60, default="")  # full pinyin for search, e.g. 'zhangsan' (server/households/pinyin.py)
    id_number = Varchar(length=18, unique=True, secret=True)
    relation = Varchar(length=16, default="other")
    ethnicity = Varchar(length=10, default="汉族")
    education = Varchar(length=12, default="")
    schooling = Varchar(length=12, default="none")
    health = Varchar(length=10, default="healthy")
    labour_skill = Varchar(length=8, default="normal")
    months_away = Integer(default=0)
    medical_insurance = Boolean(default=True)
    pension_insurance = Boolean(default=False)
    phone = Varchar(length=20, default="")
