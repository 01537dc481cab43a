"""Report rules the database enforces: known kinds and states, one counter row per bucket and window."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T18:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "report kinds and states, unique rate counter windows"

FORWARDS = [
    "ALTER TABLE public_report ADD CONSTRAINT public_report_kind_is_known CHECK (kind IN ('difficulty', 'complaint', 'help'))",
    "ALTER TABLE public_report ADD CONSTRAINT public_report_state_is_known CHECK (state IN ('new', 'handled'))",
    "ALTER TABLE public_report ADD CONSTRAINT public_report_handled_with_outcome CHECK ((state = 'new') = (outcome = ''))",
    "ALTER TABLE public_report ADD CONSTRAINT public_report_card_reports_name_the_household CHECK (kind = 'help' OR household IS NOT NULL)",
    "CREATE INDEX public_report_open ON public_report (township, kind) WHERE state = 'new'",
    "CREATE UNIQUE INDEX rate_counter_window ON rate_counter (bucket, window_start)",
    "CREATE INDEX rate_counter_old ON rate_counter (window_start)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS rate_counter_old",
    "DROP INDEX IF EXISTS rate_counter_window",
    "DROP INDEX IF EXISTS public_report_open",
    "ALTER TABLE public_report DROP CONSTRAINT IF EXISTS public_report_card_reports_name_the_household",
    "ALTER TABLE public_report DROP CONSTRAINT IF EXISTS public_report_handled_with_outcome",
    "ALTER TABLE public_report DROP CONSTRAINT IF EXISTS public_report_state_is_known",
    "ALTER TABLE public_report DROP CONSTRAINT IF EXISTS public_report_kind_is_known",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reports", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
