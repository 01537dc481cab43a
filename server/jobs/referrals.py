"""Referrals: a cadre refers a member to a job (with consent); the employer sees them masked and answers."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.conflicts import Conflict
from server.i18n import N_, gettext
from server.jobs.codes import LABOUR_CAPABLE
from server.jobs.labour_force import working_ages
from server.jobs.tables import JobPost, Referral
from server.jobs.trainings import member_in_scope
from server.piccolo_conf import DB
from server.scope import household_scope_sql

ANSWERABLE = {"referred": ("interview", "hired", "rejected"), "interview": ("hired", "rejected")}


async def job_capacity(job_id: int) -> dict[str, Any] | None:
    sql = """
    SELECT j.id, j.township, j.status, j.closing_date, j.headcount, j.employer,
           (SELECT count(*) FROM referral r WHERE r.job = j.id AND r.status = 'hired') AS hired
    FROM job_post j WHERE j.id = {}
    """
    rows = await JobPost.raw(sql, job_id)
    return rows[0] if rows else None


def refusal(job: dict[str, Any], member: dict[str, Any] | None, today: date, youngest: int) -> str | None:
    """Why this referral cannot be made (a msgid, or a translated text), or None. The rules a cadre is told in plain
    words; `youngest`: the working age's start in force."""
    if job["status"] != "open" or job["closing_date"] < today:
        return N_("This job is closed and takes no more referrals.")
    if job["hired"] >= job["headcount"]:
        return N_("This job is full: every position has been filled.")
    if member is None:
        return None
    if member["labour_skill"] not in LABOUR_CAPABLE and member["health"] in ("serious", "disabled"):
        return N_("This member cannot work: serious illness or disability, and no labour capacity.")
    if member["labour_skill"] not in LABOUR_CAPABLE:
        return N_("This member cannot work: no labour capacity.")
    if member["age"] < youngest:
        return gettext("This member is under %(n)s and cannot be referred to a job.", n=youngest)
    return None


async def refer(
    user: CurrentUser, job_id: int, member_id: int, consent: bool, note: str, today: date
) -> tuple[int | None, str | None]:
    """(referral id, None) or (None, reason msgid). The caller has checked the job is of the user's township."""
    member = await member_in_scope(user, member_id)
    job = await job_capacity(job_id)
    if member is None or job is None:
        return None, N_("This member is not among your households.")
    youngest, _ = await working_ages(user.township_id, today)
    if reason := refusal(job, member, today, youngest):
        return None, reason
    if not consent:
        return None, N_("Note that the member agreed to be referred before referring them.")
    async with DB.transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            [row] = await Referral.insert(
                Referral(job=job_id, member=member_id, referred_by=user.id, consent=True, note=note)
            )
        except asyncpg.UniqueViolationError:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            return None, N_("This member was already referred to this job.")
    return int(row["id"]), None


# Referrals as an employer sees them: name, age, sex and labour skill, never an ID number, health, income,
# address or phone (they are not even selected).
_EMPLOYER_REFERRALS = """
SELECT r.id, r.status, r.created_at, r.interview_on, r.reject_reason, r.job, j.title AS job_title,
       m.id AS member_id, m.name, m.labour_skill,
       extract(year FROM age({}::date, to_date(substr(m.id_number, 7, 8), 'YYYYMMDD')))::int AS age,
       CASE WHEN substr(m.id_number, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END AS sex,
       p.start_date, p.monthly_wage, p.has_contract, p.has_social_insurance,
       contact.display_name AS contact_name, contact.phone AS contact_phone
FROM referral r JOIN job_post j ON j.id = r.job JOIN member m ON m.id = r.member
LEFT JOIN placement p ON p.referral = r.id
-- The worker's own phone stays private: the employer reaches them through the cadre responsible for the household
-- (else the cadre who referred them).
LEFT JOIN LATERAL (
  SELECT u.display_name, u.phone FROM app_user u
  LEFT JOIN pairing pr ON pr.cadre = u.id AND pr.household = m.household AND pr.ended_on IS NULL
  WHERE (pr.id IS NOT NULL OR u.id = r.referred_by) AND u.is_active
  ORDER BY pr.id IS NULL, pr.rank LIMIT 1
) contact ON TRUE
WHERE j.employer = {} AND {}
ORDER BY r.status = 'referred' DESC, r.created_at DESC
LIMIT 200
"""


async def referrals_for_employer(
    employer_id: int, today: date, job_id: int | None = None, referral_id: int | None = None
) -> list[dict[str, Any]]:
    """Referrals to the employer's own jobs, with each member's attended trainings (two queries)."""
    condition = QueryString("TRUE")
    if job_id is not None:
        condition = QueryString("j.id = {}", job_id)
    if referral_id is not None:
        condition = QueryString("r.id = {}", referral_id)
    rows = [dict(row) for row in await Referral.raw(_EMPLOYER_REFERRALS, today, employer_id, condition)]
    trainings = await attended_trainings([row["member_id"] for row in rows])
    for row in rows:
        row["trainings"] = trainings.get(row.pop("member_id"), [])
    return rows


async def attended_trainings(member_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not member_ids:
        return {}
    sql = """
    SELECT e.member, t.title, t.topic, t.held_on, e.certificate
    FROM training_enrolment e JOIN training t ON t.id = e.training
    WHERE e.member = ANY({}) AND e.attended ORDER BY t.held_on DESC
    """
    by_member: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await Referral.raw(sql, member_ids):
        by_member[row.pop("member")].append(row)
    return dict(by_member)


async def referral_for_answer(employer_id: int, referral_id: int) -> dict[str, Any] | None:
    sql = """
    SELECT r.id, r.status, r.job, r.member, m.name AS member_name, m.household, j.headcount, j.title AS job_title,
           (SELECT count(*) FROM referral x WHERE x.job = j.id AND x.status = 'hired') AS hired
    FROM referral r JOIN job_post j ON j.id = r.job JOIN member m ON m.id = r.member
    WHERE r.id = {} AND j.employer = {}
    """
    rows = await Referral.raw(sql, referral_id, employer_id)
    return rows[0] if rows else None


ALREADY_ANSWERED = N_("This referral has already been answered.")


async def set_answer(referral_id: int, status: str, **fields: Any) -> None:
    """Move the referral to `status` only from a state that allows it, in the one statement that checks it, so two
    answers sent at once cannot both land (the second gets Conflict)."""
    allowed = [state for state, answers in ANSWERABLE.items() if status in answers]
    values: dict[Any, Any] = {Referral.status: status, Referral.answered_at: datetime.now(UTC), **fields}
    answered = (
        await Referral.update(values)
        .where((Referral.id == referral_id) & Referral.status.is_in(allowed))
        .returning(Referral.id)
    )
    if not answered:
        raise Conflict(ALREADY_ANSWERED)


async def referrals_in_scope(user: CurrentUser, limit: int = 100) -> list[dict[str, Any]]:
    """Referrals of members in the user's scope, newest first, with their placement if hired."""
    sql = """
    SELECT r.id, r.status, r.created_at, r.reject_reason, r.interview_on, j.id AS job_id, j.title AS job_title,
           e.name AS employer_name, m.id AS member_id, m.name, vi.name AS village_name,
           p.id AS placement_id, p.status AS placement_status, p.months_employed
    FROM referral r JOIN job_post j ON j.id = r.job JOIN employer e ON e.id = j.employer
    JOIN member m ON m.id = r.member JOIN household h ON h.id = m.household JOIN village vi ON vi.id = h.village
    LEFT JOIN placement p ON p.referral = r.id
    WHERE {} ORDER BY r.created_at DESC LIMIT {}
    """
    return list(await Referral.raw(sql, household_scope_sql(user, "h"), limit))


async def referrals_of_member(member_id: int) -> list[dict[str, Any]]:
    sql = """
    SELECT r.id, r.status, r.created_at, j.title AS job_title, e.name AS employer_name,
           p.id AS placement_id, p.status AS placement_status, p.months_employed, p.monthly_wage
    FROM referral r JOIN job_post j ON j.id = r.job JOIN employer e ON e.id = j.employer
    LEFT JOIN placement p ON p.referral = r.id WHERE r.member = {} ORDER BY r.created_at DESC
    """
    return list(await Referral.raw(sql, member_id))


async def referrer_of(referral_id: int) -> int | None:
    row = await Referral.select(Referral.referred_by).where(Referral.id == referral_id).first()
    return row["referred_by"] if row else None
