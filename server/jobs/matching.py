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
the viewer's scope are considered. Each list is one SQL query, whatever its length.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.i18n import N_
from server.jobs.codes import DAYS_PER_MONTH, LABOUR_CAPABLE, WORKING_AGE
from server.jobs.tables import JobPost
from server.jobs.trainings import REGISTERED_SQL
from server.scope import household_scope_sql

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
_JOBS = """
  SELECT j.id AS job_id, j.title, j.place, j.wage_min, j.wage_max, j.pay_unit, j.work_kind, j.age_min, j.age_max,
         j.is_public_welfare, j.is_workshop, j.closing_date, j.needs_skill, j.outside_county, j.physical,
         e.name AS employer_name, v.latitude AS lat, v.longitude AS lon,
         CASE j.pay_unit WHEN 'month' THEN j.wage_max WHEN 'day' THEN j.wage_max * DAYS ELSE NULL END AS monthly_max,
         to_char({}::date - make_interval(years => j.age_max + 1), 'YYYYMMDD') AS born_after,
         to_char({}::date - make_interval(years => j.age_min), 'YYYYMMDD') AS born_by
  FROM job_post j JOIN employer e ON e.id = j.employer LEFT JOIN village v ON v.id = j.village
""".replace("DAYS", str(DAYS_PER_MONTH))

# People are narrow rows (ids, skill, health, birth date, village); names and ID numbers are joined only for the
# ranked top rows. OFFSET 0 keeps the age filter out of the scan, where the planner would misjudge its selectivity.
_PEOPLE = f"""
  SELECT * FROM (
    SELECT m.id AS member_id, m.labour_skill, m.health, substr(m.id_number, 7, 8) AS born, h.village AS village_id
    FROM member m JOIN household h ON h.id = m.household
    WHERE {{}} AND {REGISTERED_SQL} AND m.labour_skill = ANY({{}}) OFFSET 0
  ) p WHERE p.born > {{}} AND p.born <= {{}}
"""

_RANKED = """
, distances AS MATERIALIZED (
  SELECT vi.id AS village_id, jb.job_id,
         CASE WHEN vi.latitude IS NULL OR jb.lat IS NULL THEN NULL ELSE round((2 * 6371 * asin(sqrt(
              power(sin(radians(jb.lat - vi.latitude) / 2), 2) + cos(radians(vi.latitude)) * cos(radians(jb.lat))
              * power(sin(radians(jb.lon - vi.longitude) / 2), 2))))::numeric, 1) END AS km
  FROM village vi CROSS JOIN jobs jb
), trained AS (
  SELECT DISTINCT e.member, t.work_kind FROM training_enrolment e JOIN training t ON t.id = e.training
  WHERE e.attended AND t.work_kind IN (SELECT work_kind FROM jobs)
), employed AS (
  SELECT DISTINCT r.member FROM placement pl JOIN referral r ON r.id = pl.referral WHERE pl.status = 'working'
), referred AS (
  SELECT r.job, r.member, r.status FROM referral r WHERE r.job IN (SELECT job_id FROM jobs)
), pairs AS (
  SELECT p.member_id, p.born, p.village_id, jb.job_id, d.km AS distance_km,
         (p.born > jb.born_after AND p.born <= jb.born_by) AS age_fits,
         (tr.member IS NOT NULL) AS trained, (p.labour_skill = 'skilled') AS skilled, jb.needs_skill,
         coalesce(jb.work_kind = ANY(w.work_kinds), false) AS wants_kind,
         (w.expected_wage IS NOT NULL AND jb.monthly_max >= w.expected_wage) AS wage_fits,
         (jb.outside_county AND coalesce(w.leave_county, false)) AS will_leave,
         (jb.outside_county AND NOT coalesce(w.leave_county, false)) AS will_not_leave,
         (em.member IS NOT NULL) AS employed,
         (jb.physical = 'heavy' AND (p.labour_skill = 'weak' OR p.health IN ('serious', 'disabled'))) AS too_heavy,
         rf.status AS referral_status
  FROM people p CROSS JOIN jobs jb
  JOIN distances d ON d.village_id = p.village_id AND d.job_id = jb.job_id
  LEFT JOIN member_wish w ON w.member = p.member_id
  LEFT JOIN trained tr ON tr.member = p.member_id AND tr.work_kind = jb.work_kind
  LEFT JOIN employed em ON em.member = p.member_id
  LEFT JOIN referred rf ON rf.job = jb.job_id AND rf.member = p.member_id
), scored AS (
  SELECT s.*,
    CASE WHEN s.age_fits THEN 3 ELSE -3 END + CASE WHEN s.trained THEN 3 ELSE 0 END
    + CASE WHEN s.skilled THEN (CASE WHEN s.needs_skill THEN 2 ELSE 1 END) ELSE 0 END
    + CASE WHEN s.wants_kind THEN 2 ELSE 0 END + CASE WHEN s.wage_fits THEN 1 ELSE 0 END
    + CASE WHEN s.will_leave THEN 1 WHEN s.will_not_leave THEN -3 ELSE 0 END
    + CASE WHEN s.distance_km <= 5 THEN 2 WHEN s.distance_km <= 15 THEN 1 ELSE 0 END
    + CASE WHEN s.employed THEN -2 ELSE 2 END + CASE WHEN s.too_heavy THEN -2 ELSE 0 END AS score
  FROM pairs s
  ORDER BY score DESC, s.distance_km NULLS LAST, s.born DESC, s.member_id, s.job_id
  LIMIT {}
)
SELECT s.*, m.name, m.labour_skill, vi.name AS village_name, jb.title, jb.place, jb.wage_min, jb.wage_max,
       jb.pay_unit, jb.work_kind, jb.age_min, jb.age_max, jb.is_public_welfare, jb.is_workshop, jb.closing_date,
       jb.employer_name,
       CASE WHEN substr(m.id_number, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END AS sex,
       extract(year FROM age({}::date, to_date(s.born, 'YYYYMMDD')))::int AS age
FROM scored s JOIN member m ON m.id = s.member_id JOIN village vi ON vi.id = s.village_id
JOIN jobs jb ON jb.job_id = s.job_id
ORDER BY s.score DESC, s.distance_km NULLS LAST, s.born DESC, s.member_id, s.job_id
"""


def _born_between(today: date) -> tuple[str, str]:
    """Birth dates (as 'YYYYMMDD') of people aged 16-60 on `today`: after the first, on or before the second."""
    youngest, oldest = WORKING_AGE
    return _years_before(today, oldest + 1).strftime("%Y%m%d"), _years_before(today, youngest).strftime("%Y%m%d")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def candidates_query(job_id: int, scope: QueryString, today: date, limit: int = 30) -> QueryString:
    """The one SQL query ranking members (within `scope`, a household_scope_sql on alias h) for one job."""
    sql = f"WITH jobs AS ({_JOBS} WHERE j.id = {{}}), people AS ({_PEOPLE}) {_RANKED}"
    after, by = _born_between(today)
    return QueryString(sql, today, today, job_id, scope, list(LABOUR_CAPABLE), after, by, limit, today)


async def candidates_for_job(job_id: int, scope: QueryString, today: date, limit: int = 30) -> list[dict[str, Any]]:
    rows = await JobPost.raw("{}", candidates_query(job_id, scope, today, limit))
    return [_with_reasons(row) for row in rows]


async def ranked_candidates(user: CurrentUser, job_id: int, today: date, limit: int = 30) -> list[dict[str, Any]]:
    return await candidates_for_job(job_id, household_scope_sql(user, "h"), today, limit)


async def jobs_for_member(user: CurrentUser, member_id: int, today: date, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked open jobs of the user's township for one member in scope (empty when the member is not)."""
    jobs = f"{_JOBS} WHERE j.township = {{}} AND j.status = 'open' AND j.closing_date >= {{}} AND e.approved"
    people = _PEOPLE.replace("OFFSET 0", "AND m.id = {} OFFSET 0")
    sql = f"WITH jobs AS ({jobs}), people AS ({people}) {_RANKED}"
    after, by = _born_between(today)
    scope = household_scope_sql(user, "h")
    args = (today, today, user.township_id or -1, today, scope, list(LABOUR_CAPABLE), member_id, after, by)
    rows = await JobPost.raw(sql, *args, limit, today)
    return [_with_reasons(row) for row in rows]


def _with_reasons(row: dict[str, Any]) -> dict[str, Any]:
    """The row with `reasons` (msgid, variables, good?) a cadre reads next to the score."""
    reasons: list[tuple[str, dict[str, Any], bool]] = []

    def add(condition: Any, msgid: str, good: bool = True, **variables: Any) -> None:
        if condition:
            reasons.append((msgid, variables, good))

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
