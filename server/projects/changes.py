"""Changing projects: create, edit, progress notes, beneficiaries; every change audited (target_type 'project')."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from server.audit.queries import Actor, record
from server.piccolo_conf import DB
from server.projects.codes import UNIT
from server.projects.forms import DATE_FIELDS, ProgressForm, ProjectForm
from server.projects.money import plain
from server.projects.tables import Project, ProjectBeneficiary, ProjectFunding, ProjectProgress, ProjectQuantity

PROJECT_FIELDS = ("name", "kind", "village", "year", "status", "budget", "progress_percent", "note", *DATE_FIELDS)


def _shown(value: Any) -> Any:
    """A JSON-friendly value for the audit detail."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _quantities_text(rows: list[tuple[str, Decimal, str]]) -> str:
    return "; ".join(f"{item} {plain(value)} {UNIT.label(unit)}".strip() for item, value, unit in rows)


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*old, *new]))
    return {key: [_shown(old.get(key)), _shown(new.get(key))] for key in keys if old.get(key) != new.get(key)}


async def _audit(actor: Actor, action: str, project_id: int, detail: dict[str, Any]) -> None:
    await record(
        action,
        actor=actor.user,
        target_type="project",
        target_id=project_id,
        ip=actor.ip,
        detail=detail,
    )


async def _write_parts(project_id: int, form: ProjectForm) -> None:
    await ProjectFunding.delete().where(ProjectFunding.project == project_id)
    await ProjectQuantity.delete().where(ProjectQuantity.project == project_id)
    if form.funding:
        await ProjectFunding.insert(
            *(ProjectFunding(project=project_id, source=s, amount=a) for s, a in form.funding.items())
        )
    if form.quantity_values:
        await ProjectQuantity.insert(
            *(
                ProjectQuantity(project=project_id, position=n, item=item, value=value, unit=unit)
                for n, (item, value, unit) in enumerate(form.quantity_values)
            )
        )


def _snapshot(
    values: dict[str, Any], funding: dict[str, Decimal], quantities: list[tuple[str, Decimal, str]]
) -> dict[str, Any]:
    """What the audit trail compares: the fields, one entry per funding source, the quantities as text."""
    shown = {name: values.get(name) for name in PROJECT_FIELDS}
    shown.update({f"funding_{source}": amount for source, amount in funding.items()})
    shown["quantities"] = _quantities_text(quantities) or None
    return shown


async def create_project(actor: Actor, form: ProjectForm) -> int:
    async with DB.transaction():
        [row] = await Project.insert(Project(township=actor.user.township_id, **form.values)).returning(Project.id)
        await _write_parts(row["id"], form)
        changes = _diff({}, _snapshot(form.values, form.funding, form.quantity_values))
        await _audit(actor, "project_created", row["id"], {"changes": changes})
    return int(row["id"])


async def update_project(actor: Actor, project: dict[str, Any], form: ProjectForm) -> dict[str, list[Any]]:
    """Save the form over the project; returns the changes written to the audit trail (empty: nothing changed)."""
    async with DB.transaction():
        rows = await Project.raw("SELECT * FROM project WHERE id = {} FOR UPDATE", project["id"])
        funding = await ProjectFunding.select().where(ProjectFunding.project == project["id"])
        quantities = (
            await ProjectQuantity.select()
            .where(ProjectQuantity.project == project["id"])
            .order_by(ProjectQuantity.position)
        )
        before = _snapshot(
            rows[0],
            {row["source"]: row["amount"] for row in funding},
            [(row["item"], row["value"], row["unit"]) for row in quantities],
        )
        changes = _diff(before, _snapshot(form.values, form.funding, form.quantity_values))
        if changes:
            values = {getattr(Project, name): value for name, value in form.values.items()}
            await Project.update({**values, Project.updated_at: datetime.now(UTC)}).where(Project.id == project["id"])
            await _write_parts(project["id"], form)
            await _audit(actor, "project_changed", project["id"], {"changes": changes})
    return changes


async def add_progress(actor: Actor, project: dict[str, Any], form: ProgressForm) -> None:
    """A progress note; the project's percentage follows the latest note."""
    async with DB.transaction():
        await ProjectProgress.insert(
            ProjectProgress(
                project=project["id"],
                noted_on=form.noted_on,
                percent=form.percent,
                note=form.note,
                author=actor.user.id,
            )
        )
        latest = await ProjectProgress.raw(
            "SELECT percent FROM project_progress WHERE project = {} ORDER BY noted_on DESC, id DESC LIMIT 1",
            project["id"],
        )
        percent = latest[0]["percent"]
        await Project.update({Project.progress_percent: percent, Project.updated_at: datetime.now(UTC)}).where(
            Project.id == project["id"]
        )
        detail = {"noted_on": _shown(form.noted_on), "note": form.note}
        detail["changes"] = _diff({"progress_percent": project["progress_percent"]}, {"progress_percent": percent})
        await _audit(actor, "project_progress_added", project["id"], detail)


async def set_beneficiaries(actor: Actor, project_id: int, shown: set[int], chosen: set[int]) -> tuple[int, int]:
    """Of the households `shown` on the form, keep exactly those `chosen`; returns (added, removed).

    The project's row is locked first, so two changes of its list run one after the other: each removes and adds
    beneficiaries (whose kept counts lock their households' rows), and in opposite orders they would deadlock."""
    async with DB.transaction():
        await Project.raw("SELECT id FROM project WHERE id = {} FOR NO KEY UPDATE", project_id)
        rows = await ProjectBeneficiary.select(ProjectBeneficiary.household).where(
            ProjectBeneficiary.project == project_id
        )
        current = {row["household"] for row in rows}
        added, removed = sorted(chosen - current), sorted((current & shown) - chosen)
        if removed:
            await ProjectBeneficiary.delete().where(
                (ProjectBeneficiary.project == project_id) & ProjectBeneficiary.household.is_in(removed)
            )
        if added:
            await ProjectBeneficiary.insert(*(ProjectBeneficiary(project=project_id, household=h) for h in added))
        if added or removed:
            detail = {"added": added, "removed": removed, "count": len(current) + len(added) - len(removed)}
            await _audit(actor, "project_beneficiaries_changed", project_id, detail)
    return len(added), len(removed)
