"""Job posts: an employer's own jobs, the township's jobs for cadres, and the public board's open jobs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from piccolo.querystring import QueryString

from server import policy
from server.clock import TIMEZONE
from server.employers.tables import Employer
from server.jobs.tables import JobPost
from server.places.tables import Village
from server.policy.registry import MINIMUM_MONTHLY_WAGE, WORKING_AGE_MAX, WORKING_AGE_MIN

JOB_FIELDS = (
    "title", "work_kind", "place", "village", "outside_county", "wage_min", "wage_max", "pay_unit", "headcount",
    "working_hours", "age_min", "age_max", "needs_skill", "skills", "physical", "housing", "meals", "description",
    "start_date", "closing_date", "is_public_welfare", "is_workshop", "low_wage_confirmed",
)  # fmt: skip

# Jobs with their employer, place village and how many were hired; {} is filled with a WHERE condition.
_JOBS = """
SELECT j.*, e.name AS employer_name, e.industry AS employer_industry, v.name AS village_name,
       (SELECT count(*) FROM referral r WHERE r.job = j.id AND r.status = 'hired') AS hired,
       (SELECT count(*) FROM referral r WHERE r.job = j.id) AS referrals,
       (j.status = 'open' AND j.closing_date >= {}) AS is_open{}
FROM job_post j JOIN employer e ON e.id = j.employer LEFT JOIN village v ON v.id = j.village
WHERE {}
ORDER BY (j.status = 'open' AND j.closing_date >= {}) DESC, j.closing_date, j.id DESC
LIMIT {}
"""


NO_COLUMNS = QueryString("")


async def _jobs(
    condition: str, *args: Any, today: date, limit: int = 200, columns: QueryString = NO_COLUMNS
) -> list[dict[str, Any]]:
    """Jobs as _JOBS selects them, with `columns` (", expression AS name, ...") added to each row."""
    where = QueryString(condition, *args)
    return list(await JobPost.raw(_JOBS, today, columns, where, today, limit))


async def jobs_of_employer(employer_id: int, today: date) -> list[dict[str, Any]]:
    return await _jobs("j.employer = {}", employer_id, today=today)


async def job_of_employer(employer_id: int, job_id: int, today: date) -> dict[str, Any] | None:
    """The employer's own job; None for another employer's (the caller answers 404)."""
    rows = await _jobs("j.employer = {} AND j.id = {}", employer_id, job_id, today=today, limit=1)
    return rows[0] if rows else None


async def jobs_of_township(township_id: int | None, today: date, only_open: bool = False) -> list[dict[str, Any]]:
    condition = "j.township = {}" + (" AND j.status = 'open' AND j.closing_date >= {}" if only_open else "")
    args = (township_id or -1, today) if only_open else (township_id or -1,)
    return await _jobs(condition, *args, today=today)


async def job_of_township(township_id: int | None, job_id: int, today: date) -> dict[str, Any] | None:
    rows = await _jobs("j.township = {} AND j.id = {}", township_id or -1, job_id, today=today, limit=1)
    return rows[0] if rows else None


# The working ages in force in the job's township on a day (what server.jobs.labour_force.working_ages reads), as
# columns of the job's row: the candidates page ranks and states them, and reads them with the job.
_WORKING_AGES = "".join(
    f", {policy.converted_sql(rule, policy.stored_sql(rule, 'j.township', '{}::date'))} AS {rule.key}"
    for rule in (WORKING_AGE_MIN, WORKING_AGE_MAX)
)


async def job_with_working_ages(
    township_id: int | None, job_id: int, today: date
) -> tuple[dict[str, Any], tuple[int, int]] | None:
    """A job of the township (None for another's) with the working ages in force there `today`, in one statement."""
    ages = QueryString(_WORKING_AGES, today, today)
    rows = await _jobs("j.township = {} AND j.id = {}", township_id or -1, job_id, today=today, limit=1, columns=ages)
    if not rows:
        return None
    job = rows[0]
    return job, (job.pop(WORKING_AGE_MIN.key), job.pop(WORKING_AGE_MAX.key))


async def board_jobs(today: date, township_id: int | None = None) -> list[dict[str, Any]]:
    """Open jobs of approved employers, for anyone: no household data at all."""
    condition = "e.approved AND j.status = 'open' AND j.closing_date >= {}"
    if township_id is not None:
        return await _jobs(condition + " AND j.township = {}", today, township_id, today=today)
    return await _jobs(condition, today, today=today)


async def board_job(job_id: int, today: date) -> dict[str, Any] | None:
    rows = await _jobs(
        "e.approved AND j.status = 'open' AND j.closing_date >= {} AND j.id = {}", today, job_id, today=today, limit=1
    )
    return rows[0] if rows else None


async def employer_context(employer_id: int | None) -> dict[str, Any] | None:
    """The employer with its township's minimum wage, working ages and villages (for the job form)."""
    if employer_id is None:
        return None
    employer = (
        await Employer.select(Employer.id, Employer.name, Employer.approved, Employer.township)
        .where(Employer.id == employer_id)
        .first()
    )
    if employer is None:
        return None
    township = employer["township"]
    held = await policy.values([MINIMUM_MONTHLY_WAGE, WORKING_AGE_MIN, WORKING_AGE_MAX], [township])
    employer["villages"] = await Village.select(Village.id, Village.name).where(Village.township == township)
    employer["minimum_wage"] = held.get(MINIMUM_MONTHLY_WAGE, township)
    employer["working_ages"] = (held.get(WORKING_AGE_MIN, township), held.get(WORKING_AGE_MAX, township))
    return employer


async def create_job(employer: dict[str, Any], values: dict[str, Any]) -> int:
    row = JobPost(employer=employer["id"], township=employer["township"], **values)
    await row.save()
    return int(row.id)


async def update_job(employer_id: int, job_id: int, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Save the form's values; returns the changes {field: [old, new]} for the audit trail."""
    old = (
        await JobPost.select(*(JobPost._meta.get_column_by_name(f) for f in JOB_FIELDS))
        .where((JobPost.id == job_id) & (JobPost.employer == employer_id))
        .first()
    )
    if old is None:
        return {}
    changes = {name: [_plain(old[name]), _plain(values[name])] for name in JOB_FIELDS if old[name] != values[name]}
    changed: dict[Any, Any] = {**values, "updated_at": datetime.now(UTC)}
    await JobPost.update(changed).where(JobPost.id == job_id)
    return changes


async def set_job_status(employer_id: int, job_id: int, status: str) -> str | None:
    """open / paused / closed; returns the old status, None when the job is not the employer's."""
    row = await JobPost.select(JobPost.status).where((JobPost.id == job_id) & (JobPost.employer == employer_id)).first()
    if row is None:
        return None
    await JobPost.update({JobPost.status: status, JobPost.updated_at: datetime.now(UTC)}).where(JobPost.id == job_id)
    return str(row["status"])


async def minimum_wage_of(township_id: int | None) -> int:
    return await policy.value(MINIMUM_MONTHLY_WAGE, township_id)


def _plain(value: Any) -> Any:
    return value if isinstance(value, bool | int | str | type(None)) else str(value)


def today() -> date:
    """Today in Asia/Shanghai, where closing dates and check dates are meant."""
    return datetime.now(TIMEZONE).date()
