"""Employer queries: the home summary, and the township admin's list, creation and approval of employers."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from server.accounts.passwords import hash_password
from server.accounts.queries import create_user, username_taken
from server.accounts.roles import Role
from server.audit.queries import Actor, record
from server.employers.tables import Employer
from server.piccolo_conf import DB


async def employer_summary(employer_id: int | None) -> dict[str, Any] | None:
    if employer_id is None:
        return None
    return (
        await Employer.select(Employer.name, Employer.approved, Employer.industry)
        .where(Employer.id == employer_id)
        .first()
    )


async def home_summary(employer_id: int | None, today: date) -> dict[str, Any]:
    """For the employer's home (templates/employers/_home_summary.html): open jobs and referrals to answer."""
    sql = """
    SELECT count(*) FILTER (WHERE j.status = 'open' AND j.closing_date >= {}) AS open_jobs,
           (SELECT count(*) FROM referral r JOIN job_post x ON x.id = r.job
             WHERE x.employer = {} AND r.status IN ('referred', 'interview')) AS to_answer,
           (SELECT count(*) FROM referral r JOIN job_post x ON x.id = r.job
             WHERE x.employer = {} AND r.status = 'hired') AS hired
    FROM job_post j WHERE j.employer = {}
    """
    employer = employer_id or -1
    rows = await Employer.raw(sql, today, employer, employer, employer)
    return dict(rows[0])


async def employers_of_township(township_id: int | None) -> list[dict[str, Any]]:
    sql = """
    SELECT e.*, (SELECT string_agg(u.username, ', ') FROM app_user u WHERE u.employer = e.id) AS usernames,
           (SELECT count(*) FROM job_post j WHERE j.employer = e.id) AS jobs
    FROM employer e WHERE e.township = {} ORDER BY e.approved, e.name
    """
    return list(await Employer.raw(sql, township_id or -1))


async def create_employer(township_id: int, values: dict[str, Any], approved: bool, by: Actor) -> int | None:
    """The company and its first account (role employer), audited in the same transaction; None when the username
    is taken."""
    username, password = values["username"], values["password"]
    if await username_taken(username):
        return None
    password_hash = await asyncio.to_thread(hash_password, password)
    company = {k: values[k] for k in ("name", "credit_code", "industry", "contact_name", "phone", "address")}
    async with DB.transaction():
        [row] = await Employer.insert(Employer(township=township_id, approved=approved, **company))
        await create_user(
            username=username,
            password_hash=password_hash,
            display_name=values["contact_name"],
            role=Role.EMPLOYER,
            township_id=township_id,
            employer_id=int(row["id"]),
        )
        await record("employer_created", actor=by.user, target_type="employer", target_id=row["id"], ip=by.ip,
                     detail={"name": values["name"]})  # fmt: skip
    return int(row["id"])


async def set_approved(township_id: int | None, employer_id: int, approved: bool) -> bool:
    rows = (
        await Employer.update({Employer.approved: approved})
        .where((Employer.id == employer_id) & (Employer.township == (township_id or -1)))
        .returning(Employer.id)
    )
    return bool(rows)
