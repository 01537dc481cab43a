"""The identification rules move from each township's settings row into policy values (server/policy)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T19:00:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "identification rules are policy values"

# (column = policy key, default the column had)
RULES = (
    ("survey_team_min", 2),
    ("survey_team_max", 5),
    ("survey_team_min_large", 3),
    ("representatives_min", 20),
    ("representatives_min_large", 30),
    ("notice_days", 7),
    ("key_incidence_percent", 50),
    ("other_incidence_percent", 5),
)
_values = ", ".join(f"('{name}', s.{name}::numeric, {default}::numeric)" for name, default in RULES)
_restore = ", ".join(
    f"{name} = coalesce((SELECT v.value FROM policy_value v WHERE v.township = s.township AND v.rule = '{name}'"
    f" ORDER BY v.effective_from DESC, v.id DESC LIMIT 1), {name})"
    for name, _ in RULES
)

FORWARDS = [
    f"""
    INSERT INTO policy_value (rule, township, effective_from, value, source)
    SELECT r.rule, s.township, DATE '2000-01-01', r.value, '乡镇原有识别设置'
    FROM identification_settings s CROSS JOIN LATERAL (VALUES {_values}) r(rule, value, dflt)
    WHERE r.value IS DISTINCT FROM r.dflt
    """
]
# The columns are back with their defaults (the next migration's reversal): give each township its values again.
BACKWARDS = [f"UPDATE identification_settings s SET {_restore}"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="identification", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
