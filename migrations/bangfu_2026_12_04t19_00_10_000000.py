"""Policy values: one per place, kept forever, found by one lookup; the township rules and poverty standards move in.

`policy_value_id(rule, township, county, region, day, yearly)` is the one place that decides which recorded value
holds: the nearest place on the chain township → county → city → province, then the latest that took effect on or
before the day (for a yearly rule, only a value of that day's year). `policy_value(...)` adds the registry default
(server/policy/registry.py), passed in by the caller, for when no office recorded one.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T19:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "policy value lookup, append-only, and the township rules and poverty standards moved in"

MOVED = "乡镇原有设置"  # source text of the values moved from the old township columns
MOVED_STANDARD = "原扶贫标准"
# Township rules that stay with the township: (column, default it had).
TOWNSHIP_RULES = (
    ("leader_quota", 3),
    ("cadre_quota", 1),
    ("unvisited_alert_days", 60),
    ("follow_up_days", 60),
    ("monitored_follow_up_days", 30),
    ("monitoring_margin_percent", 10),
)
_township_values = ", ".join(f"('{name}', t.{name}::numeric, {default}::numeric)" for name, default in TOWNSHIP_RULES)

FORWARDS = [
    "ALTER TABLE region ADD CONSTRAINT region_level_is_known CHECK (level IN ('province', 'city'))",
    "ALTER TABLE policy_value ADD CONSTRAINT policy_value_one_place"
    " CHECK (num_nonnulls(region, county, township) = 1)",
    "ALTER TABLE policy_value ADD CONSTRAINT policy_value_rule_is_a_key CHECK (rule ~ '^[a-z][a-z0-9_]*$')",
    "CREATE INDEX policy_value_by_rule ON policy_value (rule, effective_from)",
    """
    CREATE FUNCTION policy_value_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'policy values are kept: record a new value instead of changing one';
    END $$
    """,
    "CREATE TRIGGER policy_value_append_only BEFORE UPDATE OR DELETE ON policy_value"
    " FOR EACH ROW EXECUTE FUNCTION policy_value_append_only()",
    """
    CREATE FUNCTION policy_value_id(rule_key text, in_township integer, in_county integer, in_region integer,
                                    on_day date, is_yearly boolean) RETURNS integer
    LANGUAGE plpgsql STABLE AS $$
    DECLARE
      at_county integer := in_county;
      near_region integer := in_region;
      far_region integer;
      found integer;
    BEGIN
      IF in_township IS NOT NULL THEN
        SELECT t.county INTO at_county FROM township t WHERE t.id = in_township;
      END IF;
      IF at_county IS NOT NULL THEN
        SELECT c.region INTO near_region FROM county c WHERE c.id = at_county;
      END IF;
      SELECT r.parent INTO far_region FROM region r WHERE r.id = near_region;
      SELECT v.id INTO found FROM policy_value v
      WHERE v.rule = rule_key AND v.effective_from <= on_day
        AND (NOT is_yearly OR v.effective_from >= date_trunc('year', on_day)::date)
        AND (v.township = in_township OR v.county = at_county OR v.region = near_region OR v.region = far_region)
      ORDER BY (v.township IS NULL), (v.county IS NULL), (v.region IS DISTINCT FROM near_region),
               v.effective_from DESC, v.id DESC
      LIMIT 1;
      RETURN found;
    END $$
    """,
    """
    CREATE FUNCTION policy_value(rule_key text, in_township integer, in_county integer, in_region integer,
                                 on_day date, is_yearly boolean, fallback numeric) RETURNS numeric
    LANGUAGE plpgsql STABLE AS $$
    DECLARE
      found integer := policy_value_id(rule_key, in_township, in_county, in_region, on_day, is_yearly);
    BEGIN
      IF found IS NULL THEN
        RETURN fallback;
      END IF;
      RETURN (SELECT v.value FROM policy_value v WHERE v.id = found);
    END $$
    """,
    # The township rules that differed from their defaults, as the township's values since long ago.
    f"""
    INSERT INTO policy_value (rule, township, effective_from, value, source)
    SELECT r.rule, t.id, DATE '2000-01-01', r.value, '{MOVED}'
    FROM township t CROSS JOIN LATERAL (VALUES {_township_values},
                                               ('quota_maximum', t.quota_maximum::numeric, NULL::numeric)) r(rule, value, dflt)
    WHERE r.value IS DISTINCT FROM r.dflt
    """,
    # The minimum wage is the county's now: the first township's, where it was not the default.
    f"""
    INSERT INTO policy_value (rule, county, effective_from, value, source)
    SELECT DISTINCT ON (t.county) 'minimum_monthly_wage', t.county, DATE '2000-01-01', t.minimum_monthly_wage, '{MOVED}'
    FROM township t WHERE t.minimum_monthly_wage <> 1900 ORDER BY t.county, t.id
    """,
    # The poverty standards were one table for everyone: each county gets them as its own.
    f"""
    INSERT INTO policy_value (rule, county, effective_from, value, source)
    SELECT l.rule, c.id, make_date(ps.year, 1, 1), l.value, '{MOVED_STANDARD}'
    FROM poverty_standard ps CROSS JOIN county c
    CROSS JOIN LATERAL (VALUES ('poverty_line', ps.poverty_line), ('poverty_line_constant', ps.poverty_line_constant),
                               ('monitoring_line', ps.monitoring_line)) l(rule, value)
    WHERE l.value IS NOT NULL
    """,
]

_latest = (
    "(SELECT v.value FROM policy_value v WHERE v.{place} = {alias}.{key} AND v.rule = '{rule}'"
    " ORDER BY v.effective_from DESC, v.id DESC LIMIT 1)"
)
_restore_township = ", ".join(
    f"{name} = coalesce({_latest.format(place='township', alias='t', key='id', rule=name)}, {name})"
    for name, _ in TOWNSHIP_RULES
)
BACKWARDS = [
    # The columns and the standards table are back (the next migration's reversal): give them their values again.
    f"UPDATE township t SET {_restore_township},"
    f" quota_maximum = {_latest.format(place='township', alias='t', key='id', rule='quota_maximum')},"
    " minimum_monthly_wage = coalesce("
    f"{_latest.format(place='county', alias='t', key='county', rule='minimum_monthly_wage')}, 1900)",
    """
    INSERT INTO poverty_standard (year, poverty_line, poverty_line_constant, monitoring_line)
    SELECT y.year,
           coalesce(max(v.value) FILTER (WHERE v.rule = 'poverty_line'), 0),
           max(v.value) FILTER (WHERE v.rule = 'poverty_line_constant'),
           max(v.value) FILTER (WHERE v.rule = 'monitoring_line')
    FROM policy_value v CROSS JOIN LATERAL (SELECT extract(year FROM v.effective_from)::int AS year) y
    WHERE v.rule IN ('poverty_line', 'poverty_line_constant', 'monitoring_line')
    GROUP BY y.year
    """,
    "DROP FUNCTION IF EXISTS policy_value(text, integer, integer, integer, date, boolean, numeric)",
    "DROP FUNCTION IF EXISTS policy_value_id(text, integer, integer, integer, date, boolean)",
    "DROP TRIGGER IF EXISTS policy_value_append_only ON policy_value",
    "DROP FUNCTION IF EXISTS policy_value_append_only()",
    "DROP INDEX IF EXISTS policy_value_by_rule",
    "ALTER TABLE policy_value DROP CONSTRAINT IF EXISTS policy_value_rule_is_a_key",
    "ALTER TABLE policy_value DROP CONSTRAINT IF EXISTS policy_value_one_place",
    "ALTER TABLE region DROP CONSTRAINT IF EXISTS region_level_is_known",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
