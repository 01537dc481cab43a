"""A household's application (农户申请): a new family (household, head, application at once) or an existing one."""

from __future__ import annotations

from typing import Any

import asyncpg

from server.audit.queries import record
from server.clock import today
from server.households import pinyin
from server.households.tables import Household, Member
from server.i18n import N_, gettext
from server.identification.steps import Actor
from server.identification.tables import Application, ApplicationStep
from server.identification.workflow import Refusal, State, Step, StepRefused
from server.piccolo_conf import DB
from server.privacy import mask_id_number, mask_name


class DuplicateIdNumber(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def duplicate_message(id_number: str) -> str | None:
    """The household that already has this ID number, named masked, or None."""
    rows = await Member.raw(
        "SELECT h.code, head.name FROM member m JOIN household h ON h.id = m.household"
        " LEFT JOIN LATERAL (SELECT name FROM member x WHERE x.household = h.id"
        " ORDER BY x.relation <> 'head', x.id LIMIT 1) head ON TRUE WHERE m.id_number = {}",
        id_number,
    )
    if not rows:
        return None
    return gettext(
        N_("This ID number is already in the household of %(head)s (%(code)s)."),
        head=mask_name(rows[0]["name"]),
        code=rows[0]["code"],
    )


async def _next_household_code(village: dict[str, Any]) -> str:
    rows = await Household.raw(
        "SELECT coalesce(max(substring(code from '-(\\d+)$')::int), 0) + 1 AS n FROM household WHERE village = {}",
        village["id"],
    )
    return f"{village['code']}-{rows[0]['n']:04d}"


async def apply_for_new_family(actor: Actor, village: dict[str, Any], values: dict[str, Any]) -> int:
    """Create the household (not registered), its head and the application, in one transaction."""
    async with DB.transaction() as tx:
        if message := await duplicate_message(values["id_number"]):
            raise DuplicateIdNumber(message)
        savepoint = await tx.savepoint()
        try:
            [household] = await Household.insert(
                Household(
                    code=await _next_household_code(village),
                    village=village["id"],
                    group=values["group"],
                    phone=values["phone"],
                    attribute=values["attribute"],
                    main_cause=values["main_cause"],
                    status="none",
                )
            )
            await Member.insert(
                Member(
                    household=household["id"],
                    name=values["head_name"],
                    initials=pinyin.initials(values["head_name"]),
                    pinyin=pinyin.full_pinyin(values["head_name"]),
                    id_number=values["id_number"],
                    relation="head",
                    phone=values["phone"],
                )
            )
        except asyncpg.UniqueViolationError:  # the same ID number saved a moment ago by someone else
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise DuplicateIdNumber(await duplicate_message(values["id_number"]) or "") from None
        await record(
            "household_created",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="household",
            target_id=household["id"],
            ip=actor.ip,
            detail={
                "changes": {
                    "status": [None, "none"],
                    "head": [None, mask_name(values["head_name"])],
                    "id_number": [None, mask_id_number(values["id_number"])],
                }
            },
        )
        application_id = await _new_application(actor, household["id"], village["id"], values)
    return application_id  # noqa: RET504 -- after the transaction block, once it has committed


async def apply_for_household(actor: Actor, village: dict[str, Any], values: dict[str, Any]) -> int:
    """An application for a household of the village that is not registered and has no open application."""
    async with DB.transaction():
        rows = await Household.raw(
            "SELECT h.id, h.status, (SELECT count(*) FROM member m WHERE m.household = h.id) AS members"
            " FROM household h WHERE h.id = {} AND h.village = {} FOR UPDATE",
            values["household"],
            village["id"],
        )
        if not rows:
            raise StepRefused(Refusal(N_("This household is not in this village.")))
        if rows[0]["status"] != "none":
            raise StepRefused(
                Refusal(
                    N_("This household is already registered, so the %(step)s cannot be done."),
                    {"step": N_("household application")},
                )
            )
        if await Application.exists().where(
            (Application.household == values["household"])
            & Application.state.not_in([State.REGISTERED, State.STRUCK_OUT])
        ):
            raise StepRefused(Refusal(N_("This household already has an application in progress.")))
        member_count = max(int(rows[0]["members"]), 1)
        application_id = await _new_application(
            actor, values["household"], village["id"], {**values, "member_count": member_count}
        )
    return application_id  # noqa: RET504 -- after the transaction block, once it has committed


async def _new_application(actor: Actor, household_id: int, village_id: int, values: dict[str, Any]) -> int:
    [row] = await Application.insert(
        Application(
            household=household_id,
            village=village_id,
            state=State.APPLIED.value,
            applied_on=today(),
            reason=values.get("reason", ""),
            declared_income=values.get("declared_income"),
            member_count=values["member_count"],
        )
    )
    app = {"id": row["id"], "household": household_id, "state": None}
    await ApplicationStep.insert(
        ApplicationStep(
            application=row["id"],
            step=Step.APPLY.value,
            state=State.APPLIED.value,
            actor=actor.id,
            actor_label=actor.label,
        )
    )
    await record(
        "identification_apply",
        actor_id=actor.id,
        actor_label=actor.label,
        target_type="household",
        target_id=household_id,
        ip=actor.ip,
        detail={"application": app["id"], "changes": {"identification_state": [None, State.APPLIED.value]}},
    )
    return int(row["id"])
