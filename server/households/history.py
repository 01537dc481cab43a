"""Change history of a household and its members: the diff written to the audit trail, and how its fields read
(the household page shows it: server.households.household_page.history_of)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server import codes, privacy
from server.audit.queries import record
from server.codes import CodeList, TrailFields
from server.i18n import N_
from server.monitoring.codes import CASE_FIELD_CODES, CASE_FIELD_LABELS

HISTORY_LIMIT = 50
FIELD_LABELS = {
    "code": N_("Household number"),
    "village": N_("Village"),
    "group": N_("Village group"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "attribute": N_("Attribute"),
    "main_cause": N_("Main cause"),
    "secondary_causes": N_("Secondary causes"),
    "status": N_("Poverty status"),
    "monitoring_type": N_("Monitoring type"),
    "identified_year": N_("Year identified"),
    "housing_area": N_("Housing area (m²)"),
    "housing_structure": N_("Housing structure"),
    "dilapidated_grade": N_("Dilapidated grade"),
    "safe_water": N_("Safe drinking water"),
    "cultivated_mu": N_("Cultivated land (mu)"),
    "irrigated_mu": N_("Irrigated land (mu)"),
    "forest_mu": N_("Forest land (mu)"),
    "orchard_mu": N_("Orchard (mu)"),
    "water_surface_mu": N_("Water surface (mu)"),
    "pasture_mu": N_("Pasture (mu)"),
    "income_year": N_("Income year"),
    "wage_income": N_("Wage income"),
    "business_income": N_("Business income"),
    "property_income": N_("Property income"),
    "transfer_income": N_("Transfer income"),
    "production_cost": N_("Production costs"),
    "bank_name": N_("Bank"),
    "bank_account": N_("Bank account"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "name": N_("Name"),
    "id_number": N_("ID number"),
    "relation": N_("Relation to head"),
    "ethnicity": N_("Ethnicity"),
    "education": N_("Education"),
    "schooling": N_("Schooling"),
    "health": N_("Health"),
    "labour_skill": N_("Labour skill"),
    "months_away": N_("Months worked away"),
    "medical_insurance": N_("Medical insurance"),
    "pension_insurance": N_("Pension insurance"),
}
CODE_LISTS = {**codes.FIELD_CODES, "secondary_causes": codes.POVERTY_CAUSE, **CASE_FIELD_CODES}  # causes: a list
# The fields of the household's own changes, and of the risk cases recorded on it (server.monitoring.steps).
SHOWN_LABELS = {**FIELD_LABELS, **CASE_FIELD_LABELS}
# Where a household came from when it was not typed in (household_created's `source`).
HOUSEHOLD_SOURCE = CodeList(
    ("excel", N_("Imported from Excel")),
)
# What made a change of the household that another area's step did (household_changed's `step`).
CHANGED_BY_STEP = CodeList(("confirm", N_("Confirmed as monitored")), ("announce", N_("Exit announced")))
# The household's events in the audit trail (this module, server.households.changes and excel_import; the steps of
# other areas that change it) as the audit page reads them.
TRAIL = TrailFields(
    actions=(
        "household_created",
        "household_changed",
        "member_added",
        "member_changed",
        "member_removed",
        "households_imported",
    ),
    labels={
        **SHOWN_LABELS,
        "head": N_("Head of household"),
        "member": N_("Member"),
        "members": N_("Members"),
        "households": N_("Households"),
        "source": N_("Entered by"),
        "step": N_("Changed by the step"),
    },
    codes={**CODE_LISTS, "source": HOUSEHOLD_SOURCE, "step": CHANGED_BY_STEP},
)
# village and group are written by name (see server.households.changes), so the trail reads without joins.
# Never written to the trail in full: the history is read by people who may not see these.
MASKED_IN_TRAIL = {"id_number": privacy.mask_id_number, "bank_account": privacy.mask_bank_account}
PHONE_FIELDS = ("phone",)


def _plain(value: Any) -> Any:
    """A JSON-friendly value: decimals as strings without trailing zeros noise, lists kept."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field of `new` whose value differs from `old` (missing in old: None)."""
    result: dict[str, list[Any]] = {}
    for name, value in new.items():
        before, after = _plain(old.get(name)), _plain(value)
        if isinstance(before, float | int) and isinstance(after, str):
            before = f"{Decimal(before):.2f}"
        if before in ("", None) and after in ("", None, [], False) and name not in old:
            continue
        if before != after:
            mask = MASKED_IN_TRAIL.get(name)
            result[name] = [mask(before), mask(after)] if mask else [before, after]
    return result


async def record_change(
    action: str, user: Any, ip: str, household_id: int, diff: dict[str, list[Any]], member: str = ""
) -> None:
    """One entry of the household's history, in the caller's transaction."""
    detail: dict[str, Any] = {"changes": diff}
    if member:
        detail["member"] = member
    await record(
        action,
        actor=user,
        target_type="household",
        target_id=household_id,
        ip=ip,
        detail=detail,
    )
