"""Matching members and jobs with plain rules a cadre can read: each rule adds or removes points, shown as reasons.

The rules (points in brackets), the same for "candidates for a job" and "jobs for a member":
- age within the job's age range (+3); outside it (-3)
- attended a training for this kind of work (+3); skilled labour (+1, or +2 when the job asks for skills)
- wishes: wants this kind of work (+2); the job pays at least the expected monthly wage (+1);
  a job outside the county: willing to leave (+1), not willing (-3)
- distance from the member's village to the job's village: within 5 km (+2), within 15 km (+1)
- not yet employed through a placement (+2); already working (-2)
- weak or half labour, or serious illness or disability, for heavy work (-2)
Only labour-capable members (ordinary, skilled, weak labour) aged 16-60 of registered or monitored households in
the viewer's scope are considered (the labour force ledger, server.jobs.tables.LabourForce). Each list is one SQL
query, whatever its length. For speed, the many members with nothing but age, skill, health and village to go on
("plain") are ranked on those alone and only their top rows kept; the few with wishes, trainings, jobs or referrals
("special") are scored in full; both are then ranked together. Same scores as scoring everyone in full.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.i18n import N_, gettext
from server.jobs.codes import DAYS_PER_MONTH
from server.jobs.labour_force import in_scope, of_working_age, working_ages
from server.jobs.tables import JobPost

# The rules as the cadre reads them on the screen, in the order of the module docstring.
RULES = (
    N_("Age within the job's age range: +3 (outside it: -3)"),
    N_("Attended a training for this kind of work: +3; skilled labour: +1 (+2 if the job asks for skills)"),
    N_("Wants this kind of work: +2; the wage meets the expected wage: +1"),
    N_("Job outside the county: willing to leave +1, not willing -3"),
    N_("Village within 5 km of the job: +2, within 15 km: +1"),
    N_("Not yet employed: +2 (already working: -2)"),
    N_("Heavy work for weak labour, serious illness or disability: -2"),
)

# Everything is computed once per query, not per row: distances per village, trainings, jobs held and referrals as
# hashed sets, and ages as string comparisons of the birth date inside the ID number ('YYYYMMDD' sorts like a date).
# The special members' facts (wishes, kinds of work trained for, working or not) are one row per member, gathered in
# `special`, so their pairs join three relations, not seven: planning the seven-way join had taken about as long as
# running the whole query (2.9 against 3 ms on the township demo; now 1.9).
_JOBS = """
  SELECT j.id AS job_id, j.title, j.place, j.wage_min, j.wage_max, j.pay_unit, j.work_kind, j.age_min, j.age_max,
         j.is_public_welfare, j.is_workshop, j.closing_date, j.needs_skill, j.outside_county, j.physical,
         e.name AS employer_name, v.latitude AS lat, v.longitude AS lon,
         CASE j.pay_unit WHEN 'month' THEN j.wage_max WHEN 'day' THEN j.wage_max * DAYS ELSE NULL END AS monthly_max,
         to_char({}::date - make_interval(years => j.age_max + 1), 'YYYYMMDD') AS born_after,
         to_char({}::date - make_interval(years => j.age_min), 'YYYYMMDD') AS born_by
  FROM job_post j JOIN employer e ON e.id = j.employer LEFT JOIN village v ON v.id = j.village
""".replace("DAYS", str(DAYS_PER_MONTH))

# People are the narrow rows of the labour force ledger (ids, skill, health, birth date, village), already limited to
# labour-capable members of registered or monitored households; names and ID numbers are joined only for the ranked
# top rows. Not materialised: the plain pairs scan it once, the few members with wishes, trainings, jobs or referrals
# are looked up by id.
_PEOPLE = """
  SELECT lf.member AS member_id, lf.labour_skill, lf.health, lf.born, lf.village AS village_id
  FROM labour_force lf WHERE {}
"""

_SCORE = """(
    CASE WHEN s.age_fits THEN 3 ELSE -3 END + CASE WHEN s.trained THEN 3 ELSE 0 END
    + CASE WHEN s.skilled THEN (CASE WHEN s.needs_skill THEN 2 ELSE 1 END) ELSE 0 END
    + CASE WHEN s.wants_kind THEN 2 ELSE 0 END + CASE WHEN s.wage_fits THEN 1 ELSE 0 END
    + CASE WHEN s.will_leave THEN 1 WHEN s.will_not_leave THEN -3 ELSE 0 END
    + CASE WHEN s.distance_km <= 5 THEN 2 WHEN s.distance_km <= 15 THEN 1 ELSE 0 END
    + CASE WHEN s.employed THEN -2 ELSE 2 END + CASE WHEN s.too_heavy THEN -2 ELSE 0 END)"""

_RANKED = """
, jobs_near AS MATERIALIZED (
  SELECT vi.id AS village_id, jb.*,
         CASE WHEN vi.latitude IS NULL OR jb.lat IS NULL THEN NULL ELSE round((2 * 6371 * asin(sqrt(
              power(sin(radians(jb.lat - vi.latitude) / 2), 2) + cos(radians(vi.latitude)) * cos(radians(jb.lat))
              * power(sin(radians(jb.lon - vi.longitude) / 2), 2))))::numeric, 1) END AS km
  FROM village vi CROSS JOIN jobs jb WHERE {}
), trained AS (
  SELECT e.member, array_agg(DISTINCT t.work_kind) AS work_kinds
  FROM training_enrolment e JOIN training t ON t.id = e.training
  WHERE e.attended AND t.work_kind IN (SELECT work_kind FROM jobs) GROUP BY e.member
), employed AS (
  SELECT DISTINCT r.member FROM placement pl JOIN referral r ON r.id = pl.referral WHERE pl.status = 'working'
), referred AS (
  SELECT r.job, r.member, r.status FROM referral r WHERE r.job IN (SELECT job_id FROM jobs)
), special AS MATERIALIZED (
  SELECT sp.member, w.work_kinds AS wanted_kinds, w.expected_wage, w.leave_county, tr.work_kinds AS trained_kinds,
         (em.member IS NOT NULL) AS employed
  FROM (SELECT member FROM member_wish UNION SELECT member FROM trained
        UNION SELECT member FROM employed UNION SELECT member FROM referred) sp
  LEFT JOIN member_wish w ON w.member = sp.member LEFT JOIN trained tr ON tr.member = sp.member
  LEFT JOIN employed em ON em.member = sp.member
), plain_pairs AS (
  SELECT p.member_id, p.born, p.village_id, jb.job_id, jb.km AS distance_km,
         (p.born > jb.born_after AND p.born <= jb.born_by) AS age_fits,
         false AS trained, (p.labour_skill = 'skilled') AS skilled, jb.needs_skill, false AS wants_kind,
         false AS wage_fits, false AS will_leave, jb.outside_county AS will_not_leave, false AS employed,
         (jb.physical = 'heavy' AND (p.labour_skill = 'weak' OR p.health IN ('serious', 'disabled'))) AS too_heavy,
         NULL::varchar AS referral_status
  FROM people p JOIN jobs_near jb ON jb.village_id = p.village_id
  WHERE NOT EXISTS (SELECT 1 FROM special sp WHERE sp.member = p.member_id)
), special_pairs AS (
  SELECT p.member_id, p.born, p.village_id, jb.job_id, jb.km AS distance_km,
         (p.born > jb.born_after AND p.born <= jb.born_by) AS age_fits,
         coalesce(jb.work_kind = ANY(sp.trained_kinds), false) AS trained,
         (p.labour_skill = 'skilled') AS skilled, jb.needs_skill,
         coalesce(jb.work_kind = ANY(sp.wanted_kinds), false) AS wants_kind,
         (sp.expected_wage IS NOT NULL AND jb.monthly_max >= sp.expected_wage) AS wage_fits,
         (jb.outside_county AND coalesce(sp.leave_county, false)) AS will_leave,
         (jb.outside_county AND NOT coalesce(sp.leave_county, false)) AS will_not_leave,
         sp.employed,
         (jb.physical = 'heavy' AND (p.labour_skill = 'weak' OR p.health IN ('serious', 'disabled'))) AS too_heavy,
         rf.status AS referral_status
  FROM special sp JOIN people p ON p.member_id = sp.member JOIN jobs_near jb ON jb.village_id = p.village_id
  LEFT JOIN referred rf ON rf.job = jb.job_id AND rf.member = p.member_id
), scored AS (
  (SELECT s.*, SCORE AS score FROM plain_pairs s ORDER BY ORDER_BY LIMIT {})
  UNION ALL
  (SELECT s.*, SCORE AS score FROM special_pairs s)
  ORDER BY ORDER_BY LIMIT {}
)
SELECT s.*, m.name, m.labour_skill, vi.name AS village_name, jb.title, jb.place, jb.wage_min, jb.wage_max,
       jb.pay_unit, jb.work_kind, jb.age_min, jb.age_max, jb.is_public_welfare, jb.is_workshop, jb.closing_date,
       jb.employer_name,
       CASE WHEN substr(m.id_number, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END AS sex,
       extract(year FROM age({}::date, to_date(s.born, 'YYYYMMDD')))::int AS age
FROM scored s JOIN member m ON m.id = s.member_id JOIN village vi ON vi.id = s.village_id
JOIN jobs jb ON jb.job_id = s.job_id
ORDER BY ORDER_BY
""".replace("SCORE", _SCORE).replace("ORDER_BY", "score DESC, distance_km NULLS LAST, born DESC, member_id, job_id")


def candidates_query(
    job_id: int, scope: QueryString, today: date, ages: tuple[int, int], limit: int = 30
) -> QueryString:
    """The one SQL query ranking members (within `scope`, a condition on the ledger's alias lf, and of working
    `ages`) for one job."""
    sql = f"WITH jobs AS ({_JOBS} WHERE j.id = {{}}), people AS NOT MATERIALIZED ({_PEOPLE}) {_RANKED}"
    people = of_working_age(scope, today, ages)
    return QueryString(sql, today, today, job_id, people, QueryString("TRUE"), limit, limit, today)


async def candidates_for_job(
    job_id: int, scope: QueryString, today: date, ages: tuple[int, int], limit: int = 30
) -> list[dict[str, Any]]:
    """Ranked members of working `ages` (the job's township's rule: server.jobs.labour_force.working_ages) for one
    job."""
    rows = await JobPost.raw("{}", candidates_query(job_id, scope, today, ages, limit))
    return [_with_reasons(row) for row in rows]


async def ranked_candidates(
    user: CurrentUser, job_id: int, today: date, ages: tuple[int, int], limit: int = 30
) -> list[dict[str, Any]]:
    """For a job of the user's township (`ages`: its working ages), the members in the user's scope."""
    return await candidates_for_job(job_id, in_scope(user), today, ages, limit)


async def jobs_for_member(user: CurrentUser, member_id: int, today: date, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked open jobs of the user's township for one member in scope (empty when the member is not)."""
    jobs = f"{_JOBS} WHERE j.township = {{}} AND j.status = 'open' AND j.closing_date >= {{}} AND e.approved"
    sql = f"WITH jobs AS ({jobs}), people AS NOT MATERIALIZED ({_PEOPLE}) {_RANKED}"
    ages = await working_ages(user.township_id, today)
    people = of_working_age(QueryString("{} AND lf.member = {}", in_scope(user), member_id), today, ages)
    villages = QueryString("vi.id IN (SELECT village_id FROM people)")
    rows = await JobPost.raw(sql, today, today, user.township_id or -1, today, people, villages, limit, limit, today)
    return [_with_reasons(row) for row in rows]


def _with_reasons(row: dict[str, Any]) -> dict[str, Any]:
    """The row with `reasons` (text in the request's language, good?) a cadre reads next to the score."""
    reasons: list[tuple[str, bool]] = []

    def add(condition: Any, msgid: str, good: bool = True, **variables: Any) -> None:
        if condition:
            reasons.append((gettext(msgid, **variables), good))

    add(row["age_fits"], N_("Age fits"))
    add(not row["age_fits"], N_("Age outside %(low)s-%(high)s"), False, low=row["age_min"], high=row["age_max"])
    add(row["trained"], N_("Trained for this work"))
    add(row["skilled"], N_("Skilled labour"))
    add(row["wants_kind"], N_("Wants this kind of work"))
    add(row["wage_fits"], N_("Wage meets expectation"))
    add(row["will_leave"], N_("Willing to leave the county"))
    add(row["will_not_leave"], N_("Not willing to leave the county"), False)
    if row["distance_km"] is not None:
        add(True, N_("%(km)s km away"), row["distance_km"] <= 15, km=row["distance_km"])
    add(not row["employed"], N_("Not yet employed"))
    add(row["employed"], N_("Already working"), False)
    add(row["too_heavy"], N_("Work may be too heavy"), False)
    row = {key: value for key, value in row.items() if key != "born"}
    row["reasons"] = reasons
    return row
