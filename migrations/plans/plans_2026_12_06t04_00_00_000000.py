"""The delivered-measures ledger gains `delivered_at`: the moment a measure was delivered, as the visit partitions are
keyed (a visit's time; a placement's, training's or project's day from its local midnight).

A plan of one year matches only that year's deliveries. Asked by `delivered_on` (a visit's local day, an expression),
the planner could not leave out the other years' visit partitions: on the county demo a township's plan figures
probed each planned household in all eight yearly partitions. Asked by `delivered_at` between two local midnights, the
condition reaches `visit.visited_at`, the partition key, and only the plan year's partition is read.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "delivered_measure.delivered_at, the partition key's moment"

# As the view of 2026-12-04T22:26:30 (plans_2026_12_04t22_26_30_000000), `{at}` marking where the new column goes.
VIEW = """
CREATE OR REPLACE VIEW delivered_measure AS
SELECT 'visit'::text AS source, m.id AS source_id, v.household, (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date
       AS delivered_on, m.type::text AS type, m.amount, m.note::text AS note, v.cadre, v.id AS visit{visit_at}
FROM visit_measure m JOIN visit v ON v.id = m.visit
UNION ALL
SELECT 'placement', p.id, mb.household, p.start_date, 'employment', NULL::numeric,
       (e.name || ' · ' || j.title)::text, r.referred_by, NULL::int{placement_at}
FROM placement p JOIN referral r ON r.id = p.referral JOIN member mb ON mb.id = r.member
     JOIN job_post j ON j.id = r.job JOIN employer e ON e.id = j.employer
UNION ALL
SELECT 'training', te.id, mb.household, t.held_on,
       CASE t.topic WHEN 'legal' THEN 'legal' WHEN 'yulu' THEN 'education' ELSE 'skills_training' END,
       NULLIF(te.subsidy_paid, 0), (mb.name || ' · ' || t.title)::text, te.enrolled_by, NULL::int{training_at}
FROM training_enrolment te JOIN training t ON t.id = te.training JOIN member mb ON mb.id = te.member
WHERE te.attended
UNION ALL
SELECT 'project', pb.id, pb.household, pr.completed_on,
       CASE pr.kind WHEN 'housing' THEN 'housing' WHEN 'industry' THEN 'industry' ELSE 'infrastructure' END,
       NULL::numeric, pr.name::text, NULL::int, NULL::int{project_at}
FROM project_beneficiary pb JOIN project pr ON pr.id = pb.project
WHERE pr.status IN ('completed', 'accepted') AND pr.completed_on IS NOT NULL
"""
WITH_MOMENT = VIEW.format(
    visit_at=", v.visited_at AS delivered_at",
    placement_at=", p.start_date::timestamp AT TIME ZONE 'Asia/Shanghai'",
    training_at=", t.held_on::timestamp AT TIME ZONE 'Asia/Shanghai'",
    project_at=", pr.completed_on::timestamp AT TIME ZONE 'Asia/Shanghai'",
)
WITHOUT_MOMENT = VIEW.format(visit_at="", placement_at="", training_at="", project_at="")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="plans", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[WITH_MOMENT],
        # A view's column can be added by CREATE OR REPLACE, not taken away: the view is made again.
        backwards=["DROP VIEW delivered_measure", WITHOUT_MOMENT.replace("CREATE OR REPLACE VIEW", "CREATE VIEW")],
    )
    return manager
