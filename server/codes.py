"""The official code lists (DOMAIN.md §3): codes stored in English, labels translated on screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from server.i18n import N_, current_locale, gettext


class Labels(dict[str, str]):
    """A code list's labels in one language, read as `labels[code]` as `CodeList.label(code)` gives them: an unknown
    code shows as itself, no code as nothing."""

    def __missing__(self, code: str | None) -> str:
        return code or ""


class CodeList:
    """An ordered list of (code, label) pairs; labels are msgids translated when shown."""

    def __init__(self, *pairs: tuple[str, str]) -> None:
        self._labels = dict(pairs)
        self._translated: dict[str, Labels] = {}  # by locale: the catalogs are read once per process

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def label(self, code: str | None) -> str:
        if not code:
            return ""
        return gettext(self._labels[code]) if code in self._labels else code

    def labels(self) -> Labels:
        """Every label in the current language, for a list showing one per row: `labels[code]` in the row, a lookup
        where `label(code)` was a call (a template's call costs a few microseconds)."""
        locale = current_locale.get()
        if locale not in self._translated:
            self._translated[locale] = Labels({code: gettext(label) for code, label in self._labels.items()})
        return self._translated[locale]

    def msgids(self) -> dict[str, str]:
        """{code: label} not yet translated, for a map of labels that is translated where it is shown."""
        return dict(self._labels)

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) in order, in the current language (from `labels`: a form's options are not translated anew
        for every page)."""
        return list(self.labels().items())


# A list of records in an audit event's detail summed up: one line for the whole list, and one line per record.
Summary = tuple[str, list[str]]


@dataclass(frozen=True)
class TrailFields:
    """How an area's events in the audit trail read on the audit page (server.audit.display composes every area's):
    for the `actions` it writes, each detail field's label (a msgid), the code list of a field holding a code, what
    a field holding an id names (`refs`: "household", "village", "township" or "user", named on the page), and how
    a field holding a list of records is summed up (`summaries`: translated, not yet masked); what an empty value
    means where it means something (`blanks`: no village drawn from is every village)."""

    actions: tuple[str, ...]
    labels: dict[str, str]
    codes: dict[str, CodeList] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    summaries: dict[str, Callable[[Any], Summary]] = field(default_factory=dict)
    blanks: dict[str, str] = field(default_factory=dict)  # what a field left empty means (a msgid), else —


POVERTY_CAUSE = CodeList(
    ("illness", N_("Illness")),
    ("disability", N_("Disability")),
    ("schooling", N_("Schooling costs")),
    ("disaster", N_("Disaster")),
    ("lack_land", N_("Lack of land")),
    ("lack_water", N_("Lack of water")),
    ("lack_skills", N_("Lack of skills")),
    ("lack_labour", N_("Lack of labour")),
    ("lack_funds", N_("Lack of funds")),
    ("poor_transport", N_("Poor transport")),
    ("low_motivation", N_("Low motivation")),
    ("other", N_("Other")),
)

HOUSEHOLD_ATTRIBUTE = CodeList(
    ("general", N_("General poor household")),
    ("dibao", N_("Minimum-living-allowance household")),
    ("tekun", N_("Extreme-poverty support household")),
)

POVERTY_STATUS = CodeList(
    ("not_out", N_("Not yet out of poverty")),
    ("out_supported", N_("Out of poverty (still supported)")),
    ("out_unsupported", N_("Out of poverty (no longer supported)")),
    ("returned", N_("Returned to poverty")),
    ("none", N_("Not a registered poor household")),
)
# The tag colour of each poverty status where a page shows it as a tag (grey for the others).
POVERTY_STATUS_TAGS = {"not_out": "tag--red", "returned": "tag--red", "out_supported": "tag--green"}

MONITORING_TYPE = CodeList(
    ("unstable", N_("Unstable lifted household")),
    ("marginal", N_("Marginal household at risk")),
    ("sudden", N_("Household in sudden severe hardship")),
)

HEALTH = CodeList(
    ("healthy", N_("Healthy")),
    ("chronic", N_("Long-term chronic illness")),
    ("serious", N_("Serious illness")),
    ("disabled", N_("Disabled")),
)

LABOUR_SKILL = CodeList(
    ("normal", N_("Ordinary labour")),
    ("skilled", N_("Skilled labour")),
    ("weak", N_("Weak or half labour")),
    ("lost", N_("Lost labour capacity")),
    ("none", N_("No labour capacity")),
)

EDUCATION = CodeList(
    ("preschool", N_("Preschool child")),
    ("illiterate", N_("Illiterate or semi-literate")),
    ("primary", N_("Primary school")),
    ("junior", N_("Junior high school")),
    ("senior", N_("Senior high school")),
    ("vocational", N_("Secondary vocational")),
    ("college", N_("College or above")),
)

SCHOOLING = CodeList(
    ("none", N_("Not in school")),
    ("preschool", N_("In preschool")),
    ("primary", N_("In primary school")),
    ("junior", N_("In junior high school")),
    ("senior", N_("In senior high school")),
    ("vocational", N_("In vocational school")),
    ("college", N_("In college or university")),
)

RELATION = CodeList(
    ("head", N_("Head of household")),
    ("spouse", N_("Spouse")),
    ("son", N_("Son")),
    ("daughter", N_("Daughter")),
    ("son_in_law", N_("Son-in-law")),
    ("daughter_in_law", N_("Daughter-in-law")),
    ("grandchild", N_("Grandchild")),
    ("parent", N_("Parent")),
    ("grandparent", N_("Grandparent")),
    ("sibling", N_("Sibling")),
    ("other", N_("Other relative")),
)

HOUSING_STRUCTURE = CodeList(
    ("brick_concrete", N_("Brick and concrete")),
    ("brick_wood", N_("Brick and wood")),
    ("earth_wood", N_("Earth and wood")),
    ("other", N_("Other structure")),
)

MEASURE_TYPE = CodeList(
    ("industry", N_("Industry support")),
    ("employment", N_("Employment support")),
    ("education", N_("Education support")),
    ("medical", N_("Medical support")),
    ("housing", N_("Dilapidated house renovation")),
    ("relocation", N_("Relocation")),
    ("ecological", N_("Ecological compensation")),
    ("microcredit", N_("Microcredit")),
    ("dibao", N_("Minimum living allowance / safety net")),
    ("pension", N_("Pension insurance")),
    ("farm_subsidy", N_("Farming subsidy")),
    ("donation", N_("Social donation")),
    ("skills_training", N_("Skills training")),
    ("legal", N_("Legal education")),
    ("condolence", N_("Condolence visit")),
    ("infrastructure", N_("Infrastructure")),
)

KEY_VILLAGE_LEVEL = CodeList(
    ("provincial", N_("Provincial key poor village")),
    ("municipal", N_("Municipal key poor village")),
)

# The household and member fields whose value is one code, and the list it comes from: the register's Excel
# export and import and its change history read labels through this one table.
FIELD_CODES: dict[str, CodeList] = {
    "attribute": HOUSEHOLD_ATTRIBUTE,
    "main_cause": POVERTY_CAUSE,
    "status": POVERTY_STATUS,
    "monitoring_type": MONITORING_TYPE,
    "housing_structure": HOUSING_STRUCTURE,
    "relation": RELATION,
    "education": EDUCATION,
    "schooling": SCHOOLING,
    "health": HEALTH,
    "labour_skill": LABOUR_SKILL,
}
