"""Parsing and validating the project, progress and beneficiary forms; errors are msgids keyed by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from server.i18n import N_, too_long
from server.projects.codes import FUNDING_SOURCE, PROJECT_KIND, PROJECT_STATUS, UNIT
from server.projects.money import MoneyError, parse_money

DATE_FIELDS = ("started_on", "planned_completion_on", "completed_on", "accepted_on")
MAX_QUANTITY = Decimal("10000000000")
QUANTITY_ITEM_CHARACTERS = 60  # project_quantity.item
BLANK_QUANTITY_ROWS = 2
DONE = ("completed", "accepted")

MAX_NAME = 100  # the column lengths: over them a text is refused with the limit, never cut
MAX_NOTE = 2000


@dataclass
class QuantityRow:
    item: str = ""
    value: str = ""
    unit: str = ""


@dataclass
class ProjectForm:
    """What the admin typed (kept as text to show again), the parsed values and the errors."""

    data: dict[str, str] = field(default_factory=dict)
    quantities: list[QuantityRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    funding: dict[str, Decimal] = field(default_factory=dict)  # source -> amount, only the sources given
    quantity_values: list[tuple[str, Decimal, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def rows_shown(self) -> list[QuantityRow]:
        """The quantity rows typed, plus blank ones to add more."""
        return [*self.quantities, *(QuantityRow() for _ in range(BLANK_QUANTITY_ROWS))]

    def add_error(self, name: str, msgid: str) -> None:
        self.errors.setdefault(name, msgid)


def _date(form: ProjectForm, name: str) -> date | None:
    text = form.data.get(name, "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        form.add_error(name, N_("Enter a date like 2026-05-20."))
        return None


def _money(form: ProjectForm, name: str) -> Decimal | None:
    try:
        return parse_money(form.data.get(name, ""))
    except MoneyError as error:
        form.add_error(name, str(error))
        return None


def _check_dates(form: ProjectForm, dates: dict[str, date | None], status: str) -> None:
    """Dates in order, and a status that matches them (DOMAIN.md §7: built, then accepted)."""
    started, planned, completed, accepted = (dates[name] for name in DATE_FIELDS)
    if planned and started and planned < started:
        form.add_error("planned_completion_on", N_("The planned completion cannot be before the start."))
    if completed and not started:
        form.add_error("started_on", N_("Enter the start date of a completed project."))
    if completed and started and completed < started:
        form.add_error("completed_on", N_("The completion date cannot be before the start date."))
    if accepted and not completed:
        form.add_error("accepted_on", N_("A project is accepted after it is completed: enter the completion date."))
    if accepted and completed and accepted < completed:
        form.add_error("accepted_on", N_("The acceptance date cannot be before the completion date."))
    if status in DONE and not completed:
        form.add_error("completed_on", N_("Enter the completion date of a completed project."))
    if status == "accepted" and not accepted:
        form.add_error("accepted_on", N_("Enter the acceptance date of an accepted project."))
    if status not in DONE and completed:
        form.add_error("status", N_("The project has a completion date: choose Completed or Accepted."))
    if status == "completed" and accepted:
        form.add_error("status", N_("The project has an acceptance date: choose Accepted."))


def _check_codes(form: ProjectForm, village_ids: set[int]) -> None:
    data, values = form.data, form.values
    values["name"] = data.get("name", "")
    if not values["name"]:
        form.add_error("name", N_("Enter the project's name."))
    elif len(values["name"]) > MAX_NAME:
        form.add_error("name", too_long(MAX_NAME))
    for name, code_list in (("kind", PROJECT_KIND), ("status", PROJECT_STATUS)):
        values[name] = data.get(name, "")
        if values[name] not in code_list:
            form.add_error(name, N_("Choose a value from the list."))
    village = data.get("village", "")
    values["village"] = int(village) if village.isdigit() else None
    if village and values["village"] not in village_ids:
        form.add_error("village", N_("Choose a village of your township."))
    year = data.get("year", "")
    values["year"] = int(year) if year.isdigit() else None
    if values["year"] is None or not 2000 <= values["year"] <= 2100:
        form.add_error("year", N_("Enter a year like 2026."))
    percent = data.get("progress_percent", "") or "0"
    values["progress_percent"] = int(percent) if percent.isdigit() else -1
    if not 0 <= values["progress_percent"] <= 100:
        form.add_error("progress_percent", N_("Enter a percentage from 0 to 100."))
    values["note"] = data.get("note", "")
    if len(values["note"]) > MAX_NOTE:
        form.add_error("note", too_long(MAX_NOTE))


def _check_quantities(form: ProjectForm) -> None:
    for index, row in enumerate(form.quantities):
        if len(row.item) > QUANTITY_ITEM_CHARACTERS:  # refused whole, never cut short
            form.add_error(f"q_item_{index}", too_long(QUANTITY_ITEM_CHARACTERS))
            continue
        try:
            value = Decimal(row.value.replace(",", ""))
        except InvalidOperation:
            form.add_error(f"q_value_{index}", N_("Enter a number, e.g. 2850."))
            continue
        if not value.is_finite() or value < 0 or value >= MAX_QUANTITY:
            form.add_error(f"q_value_{index}", N_("A quantity cannot be negative."))
        elif row.unit not in UNIT:
            form.add_error(f"q_unit_{index}", N_("Choose a unit."))
        else:
            form.quantity_values.append((row.item, value.quantize(Decimal("0.01")), row.unit))


def parse_project(single: Mapping[str, str], quantities: list[QuantityRow], village_ids: set[int]) -> ProjectForm:
    """The project form: single fields, the quantity rows (blank ones dropped), one amount per funding source."""
    data = {key: str(value).strip() for key, value in single.items() if key != "_csrf_token"}
    rows = [row for row in quantities if row.item.strip() or row.value.strip()]
    form = ProjectForm(data=data, quantities=[QuantityRow(r.item.strip(), r.value.strip(), r.unit) for r in rows])
    _check_codes(form, village_ids)
    budget = _money(form, "budget")
    if budget is None and "budget" not in form.errors:
        form.add_error("budget", N_("Enter the budget."))
    form.values["budget"] = budget
    for source in FUNDING_SOURCE:
        amount = _money(form, f"fund_{source}")
        if amount is not None:
            form.funding[source] = amount
    dates = {name: _date(form, name) for name in DATE_FIELDS}
    form.values.update(dates)
    _check_dates(form, dates, form.values["status"])
    _check_quantities(form)
    return form


def form_of_project(
    project: dict[str, Any], quantities: list[dict[str, Any]], funding: list[dict[str, Any]]
) -> ProjectForm:
    """The edit form filled with a stored project."""
    data = {
        "name": project["name"],
        "kind": project["kind"],
        "village": str(project["village"] or ""),
        "year": str(project["year"]),
        "status": project["status"],
        "budget": f"{project['budget']:f}",
        "progress_percent": str(project["progress_percent"]),
        "note": project["note"],
        **{name: project[name].isoformat() if project[name] else "" for name in DATE_FIELDS},
        **{f"fund_{row['source']}": f"{row['amount']:f}" for row in funding},
    }
    rows = [QuantityRow(row["item"], f"{row['value']:f}", row["unit"]) for row in quantities]
    return ProjectForm(data=data, quantities=rows)


@dataclass
class ProgressForm:
    noted_on: date | None = None
    percent: int = 0
    note: str = ""
    data: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_progress(single: Mapping[str, str], today: date) -> ProgressForm:
    """A dated progress note: a date not in the future, a percentage, a few words."""
    data = {key: str(value).strip() for key, value in single.items() if key != "_csrf_token"}
    form = ProgressForm(data=data, note=data.get("note", ""))
    if len(form.note) > MAX_NOTE:
        form.errors["note"] = too_long(MAX_NOTE)
    try:
        form.noted_on = date.fromisoformat(data.get("noted_on", ""))
    except ValueError:
        form.errors["noted_on"] = N_("Enter a date like 2026-05-20.")
    if form.noted_on and form.noted_on > today:
        form.errors["noted_on"] = N_("The date cannot be in the future.")
    percent = data.get("percent", "")
    form.percent = int(percent) if percent.isdigit() else -1
    if not 0 <= form.percent <= 100:
        form.errors["percent"] = N_("Enter a percentage from 0 to 100.")
    if not form.note:
        form.errors["note"] = N_("Write what was done.")
    return form
