"""The plan's rules in the database, and the delivered-measures ledger as one view over where measures are recorded.

A visit's measure, a placement (employment), an attended training (skills training; a legal session: legal
education; 雨露计划: education support) and a completed project's benefit to a household are one kind of fact,
read from the one view `delivered_measure`, so nothing is typed twice and every figure counts the same rows.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T22:26:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "help plan rules; the delivered_measure view"

MEASURE_TYPES = (
    "industry", "employment", "education", "medical", "housing", "relocation", "ecological", "microcredit", "dibao",
    "pension", "farm_subsidy", "donation", "skills_training", "legal", "condolence", "infrastructure",
)  # fmt: skip
TYPES_SQL = ", ".join(f"'{code}'" for code in MEASURE_TYPES)

CONSTRAINTS = (
    ("help_plan", "help_plan_year_plausible", "year BETWEEN 2000 AND 2100"),
    ("help_plan_item", "help_plan_item_type_known", f"type IN ({TYPES_SQL})"),
    ("help_plan_item", "help_plan_item_amount_not_negative", "amount IS NULL OR amount >= 0"),
)

# One row per delivered measure; `source` and `source_id` say where it was recorded (and where to correct it).
VIEW = """
CREATE VIEW delivered_measure AS
SELECT 'visit'::text AS source, m.id AS source_id, v.household, (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date
       AS delivered_on, m.type::text AS type, m.amount, m.note::text AS note, v.cadre, v.id AS visit
FROM visit_measure m JOIN visit v ON v.id = m.visit
UNION ALL
SELECT 'placement', p.id, mb.household, p.start_date, 'employment', NULL::numeric,
       (e.name || ' · ' || j.title)::text, r.referred_by, NULL::int
FROM placement p JOIN referral r ON r.id = p.referral JOIN member mb ON mb.id = r.member
     JOIN job_post j ON j.id = r.job JOIN employer e ON e.id = j.employer
UNION ALL
SELECT 'training', te.id, mb.household, t.held_on,
       CASE t.topic WHEN 'legal' THEN 'legal' WHEN 'yulu' THEN 'education' ELSE 'skills_training' END,
       NULLIF(te.subsidy_paid, 0), (mb.name || ' · ' || t.title)::text, te.enrolled_by, NULL::int
FROM training_enrolment te JOIN training t ON t.id = te.training JOIN member mb ON mb.id = te.member
WHERE te.attended
UNION ALL
SELECT 'project', pb.id, pb.household, pr.completed_on,
       CASE pr.kind WHEN 'housing' THEN 'housing' WHEN 'industry' THEN 'industry' ELSE 'infrastructure' END,
       NULL::numeric, pr.name::text, NULL::int, NULL::int
FROM project_beneficiary pb JOIN project pr ON pr.id = pb.project
WHERE pr.status IN ('completed', 'accepted') AND pr.completed_on IS NOT NULL
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="plans", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check})" for table, name, check in CONSTRAINTS),
            "CREATE UNIQUE INDEX help_plan_one_per_year ON help_plan (household, year)",
            VIEW,
        ],
        backwards=[
            "DROP VIEW IF EXISTS delivered_measure",
            "DROP INDEX IF EXISTS help_plan_one_per_year",
            *(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}" for table, name, _ in reversed(CONSTRAINTS)),
        ],
    )
    return manager
