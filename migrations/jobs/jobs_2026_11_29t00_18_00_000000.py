"""Jobs rules the database enforces: one enrolment and one referral per person, consent, sane wages and statuses."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T00:18:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique enrolments and referrals, consent, wage range, statuses, open checks index"

CONSTRAINTS = (
    ("training_enrolment", "training_enrolment_once", "UNIQUE (training, member)"),
    ("referral", "referral_once_per_job", "UNIQUE (job, member)"),
    ("referral", "referral_has_consent", "CHECK (consent)"),
    ("referral", "referral_status_known", "CHECK (status IN ('referred', 'interview', 'hired', 'rejected'))"),
    ("placement_check", "placement_check_once", "UNIQUE (placement, months)"),
    ("job_post", "job_post_wage_range", "CHECK (wage_min >= 0 AND wage_max >= wage_min)"),
    ("job_post", "job_post_headcount", "CHECK (headcount > 0)"),
    ("job_post", "job_post_status_known", "CHECK (status IN ('open', 'paused', 'closed'))"),
    ("job_post", "job_post_pay_unit_known", "CHECK (pay_unit IN ('month', 'day', 'piece'))"),
    ("placement", "placement_status_known", "CHECK (status IN ('working', 'left'))"),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="jobs", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} {rule}" for table, name, rule in CONSTRAINTS),
            "CREATE INDEX placement_check_open_by_cadre ON placement_check (cadre, due_on) WHERE answered_at IS NULL",
            "CREATE INDEX job_post_open_by_township ON job_post (township, closing_date) WHERE status = 'open'",
        ],
        backwards=[
            "DROP INDEX IF EXISTS job_post_open_by_township",
            "DROP INDEX IF EXISTS placement_check_open_by_cadre",
            *(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}" for table, name, _ in reversed(CONSTRAINTS)),
        ],
    )
    return manager
