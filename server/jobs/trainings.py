"""Trainings: sessions, enrolments of household members in the user's scope, and who had none this year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from server.accounts.sessions import CurrentUser
from server.clock import this_year, today
from server.conflicts import Conflict
from server.i18n import N_
from server.jobs.codes import TRAINING_TOPIC
from server.jobs.labour_force import in_scope, of_working_age, working_ages
from server.jobs.tables import Training, TrainingEnrolment
from server.piccolo_conf import DB
from server.scope import household_scope_sql

TRAINING_FULL = N_("This training is full.")

AGE_SQL = "extract(year FROM age({}::date, to_date(substr(m.id_number, 7, 8), 'YYYYMMDD')))::int"


async def trainings_of_township(township_id: int | None, limit: int = 100) -> list[dict[str, Any]]:
    sql = """
    SELECT t.*, count(e.id) AS enrolled, count(e.id) FILTER (WHERE e.attended) AS attended
    FROM training t LEFT JOIN training_enrolment e ON e.training = t.id
    WHERE t.township = {} GROUP BY t.id ORDER BY t.held_on DESC, t.id DESC LIMIT {}
    """
    return list(await Training.raw(sql, township_id or -1, limit))


RECORDED_AFTER_DAYS = 60  # how long after a training who attended it may still be recorded from a member's page
_NOT_IN = """
SELECT t.*, (SELECT count(*) FROM training_enrolment e WHERE e.training = t.id) AS enrolled
FROM training t
WHERE t.township = {} AND t.held_on >= {} AND t.held_on < {}
  AND NOT EXISTS (SELECT 1 FROM training_enrolment m WHERE m.training = t.id AND m.member = {})
ORDER BY t.held_on, t.id LIMIT {}
"""


async def open_to_member(township_id: int | None, member_id: int, day: date, limit: int = 5) -> list[dict[str, Any]]:
    """The township's trainings held on `day` or later that the member is not enrolled in, the soonest first, with
    their places taken (`enrolled`): what the member's page offers to enrol in."""
    return list(await Training.raw(_NOT_IN, township_id or -1, day, date.max, member_id, limit))


async def held_without_member(
    township_id: int | None, member_id: int, day: date, limit: int = 5
) -> list[dict[str, Any]]:
    """The township's trainings of the last `RECORDED_AFTER_DAYS` days before `day` that the member is not in: the
    member's page records after the fact that they attended one (no enrolling in a training held already)."""
    since = day - timedelta(days=RECORDED_AFTER_DAYS)
    return list(await Training.raw(_NOT_IN, township_id or -1, since, day, member_id, limit))


async def training_of_township(township_id: int | None, training_id: int) -> dict[str, Any] | None:
    return (
        await Training.select().where((Training.id == training_id) & (Training.township == (township_id or -1))).first()
    )


async def create_training(township_id: int, values: dict[str, Any], user_id: int) -> int:
    row = Training(township=township_id, created_by=user_id, **values)
    await row.save()
    return int(row.id)


async def enrolments(user: CurrentUser, training_id: int) -> list[dict[str, Any]]:
    """The training's enrolled members that the user may see (scope applied to their households)."""
    sql = """
    SELECT e.id, e.attended, e.certificate, e.subsidy_paid, m.id AS member_id, m.name, vi.name AS village_name
    FROM training_enrolment e JOIN member m ON m.id = e.member JOIN household h ON h.id = m.household
    JOIN village vi ON vi.id = h.village
    WHERE e.training = {} AND {} ORDER BY vi.name, m.name
    """
    return list(await TrainingEnrolment.raw(sql, training_id, household_scope_sql(user, "h")))


async def enrolment_count(training_id: int) -> int:
    return int(await TrainingEnrolment.count().where(TrainingEnrolment.training == training_id))


async def member_in_scope(user: CurrentUser, member_id: int) -> dict[str, Any] | None:
    """A member of a household the user may see, with age (today) and household; None otherwise."""
    sql = f"""
    SELECT m.id, m.name, m.household, m.labour_skill, m.health, substr(m.id_number, 17, 1) AS sex_digit,
           {AGE_SQL} AS age, h.status, h.monitoring_type, h.village, vi.name AS village_name
    FROM member m JOIN household h ON h.id = m.household JOIN village vi ON vi.id = h.village
    WHERE m.id = {{}} AND {{}}
    """
    rows = await TrainingEnrolment.raw(sql, today(), member_id, household_scope_sql(user, "h"))
    if not rows:
        return None
    member = dict(rows[0])
    member["sex"] = "M" if int(member.pop("sex_digit")) % 2 else "F"
    return member


async def enrol(training_id: int, member_id: int, user_id: int, attended: bool = False) -> bool:
    """False when the member is already enrolled; Conflict when the training is full. Both are decided under a lock
    on the training, so simultaneous enrolments cannot pass its capacity nor enrol one member twice. `attended`:
    recorded after the training, the member took part in it."""
    async with DB.transaction():
        [training] = await Training.raw("SELECT capacity FROM training WHERE id = {} FOR UPDATE", training_id)
        if await TrainingEnrolment.exists().where(
            (TrainingEnrolment.training == training_id) & (TrainingEnrolment.member == member_id)
        ):
            return False
        if await enrolment_count(training_id) >= training["capacity"]:
            raise Conflict(TRAINING_FULL)
        await TrainingEnrolment.insert(
            TrainingEnrolment(training=training_id, member=member_id, enrolled_by=user_id, attended=attended)
        )
    return True


async def record_result(
    user: CurrentUser, training_id: int, enrolment_id: int, attended: bool, certificate: str, subsidy: Decimal
) -> dict[str, list[Any]] | None:
    """Attendance, certificate and subsidy of one enrolment in the user's scope; the changes, or None if unseen."""
    visible = {row["id"]: row for row in await enrolments(user, training_id)}
    old = visible.get(enrolment_id)
    if old is None:
        return None
    new: dict[Any, Any] = {"attended": attended, "certificate": certificate, "subsidy_paid": subsidy}
    changes = {k: [str(old[k]), str(v)] for k, v in new.items() if old[k] != v}
    await TrainingEnrolment.update(new).where(TrainingEnrolment.id == enrolment_id)
    return changes


async def trainings_of_member(member_id: int) -> list[dict[str, Any]]:
    """Trainings a member was enrolled in, newest first, with `topic_label` translated, for
    templates/jobs/_member_trainings.html (the caller has checked the member is in scope)."""
    rows = list(
        await TrainingEnrolment.select(
            TrainingEnrolment.attended,
            TrainingEnrolment.certificate,
            TrainingEnrolment.subsidy_paid,
            TrainingEnrolment.training.title.as_alias("title"),
            TrainingEnrolment.training.topic.as_alias("topic"),
            TrainingEnrolment.training.held_on.as_alias("held_on"),
        )
        .where(TrainingEnrolment.member == member_id)
        .order_by(TrainingEnrolment.training.held_on, ascending=False)
    )
    for row in rows:
        row["topic_label"] = TRAINING_TOPIC.label(row["topic"])
    return rows


async def untrained_members(user: CurrentUser, year: int, limit: int = 200) -> tuple[int, list[dict[str, Any]]]:
    """Labour-capable members of working age of registered or monitored households in scope, no training in
    `year`."""
    sql = f"""
    SELECT m.id, m.name, m.labour_skill, vi.name AS village_name, {AGE_SQL} AS age, count(*) OVER () AS total
    FROM labour_force lf JOIN member m ON m.id = lf.member JOIN village vi ON vi.id = lf.village
    WHERE {{}} AND NOT EXISTS (SELECT 1 FROM training_enrolment e JOIN training t ON t.id = e.training
                               WHERE e.member = lf.member AND t.held_on >= {{}} AND t.held_on < {{}})
    ORDER BY vi.name, m.name LIMIT {{}}
    """
    on = date(year, 12, 31) if year < this_year() else today()
    people = of_working_age(in_scope(user), on, await working_ages(user.township_id, on))
    rows = await TrainingEnrolment.raw(sql, on, people, date(year, 1, 1), date(year + 1, 1, 1), limit)
    return (int(rows[0]["total"]) if rows else 0), list(rows)
