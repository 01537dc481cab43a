"""Reading projects of a township: one project with its parts, the list per village, the funding summary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.places.tables import Village
from server.projects.codes import FUNDING_SOURCE
from server.projects.tables import Project, ProjectFunding, ProjectQuantity
from server.scope import household_scope, household_scope_sql

NOTHING = -1
ZERO = Decimal(0)

PROJECTS_SQL = """
SELECT p.*, v.name AS village_name, v.code AS village_code,
       (SELECT count(*) FROM project_beneficiary b WHERE b.project = p.id) AS beneficiaries
FROM project p LEFT JOIN village v ON v.id = p.village
WHERE p.township = {} AND ({} = 0 OR p.village = {}) AND ({} = 0 OR p.year = {})
ORDER BY v.code NULLS FIRST, p.year DESC, p.id
"""


def source_order(source: str) -> int:
    return list(FUNDING_SOURCE).index(source) if source in FUNDING_SOURCE else len(list(FUNDING_SOURCE))


@dataclass
class VillageProjects:
    """The projects of one village (village_id None: the whole township) with their totals."""

    village_id: int | None
    name: str
    projects: list[dict[str, Any]] = field(default_factory=list)
    budget: Decimal = ZERO
    by_source: dict[str, Decimal] = field(default_factory=dict)

    @property
    def funded(self) -> Decimal:
        return sum(self.by_source.values(), ZERO)

    @property
    def warnings(self) -> int:
        return sum(1 for project in self.projects if project["warning"])

    @property
    def sources(self) -> list[tuple[str, Decimal]]:
        return sorted(self.by_source.items(), key=lambda item: source_order(item[0]))


class FundingSummary:
    """Budget by source per village and for the township: the printable summary."""

    def __init__(self, groups: list[VillageProjects]) -> None:
        self.groups = groups
        self.by_source: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for group in groups:
            for source, amount in group.by_source.items():
                self.by_source[source] += amount
        self.sources = [source for source in FUNDING_SOURCE if source in self.by_source]
        self.budget = sum((group.budget for group in groups), ZERO)
        self.funded = sum(self.by_source.values(), ZERO)
        self.projects = sum(len(group.projects) for group in groups)
        self.warnings = sum(group.warnings for group in groups)


async def villages_of(township_id: int | None) -> list[dict[str, Any]]:
    return await (
        Village.select(Village.id, Village.name, Village.is_pilot)
        .where(Village.township == (township_id or NOTHING))
        .order_by(Village.code)
    )


async def project_of(township_id: int | None, project_id: int) -> dict[str, Any] | None:
    """A project of the township, or None (another township's project does not exist for this user)."""
    rows = await Project.raw(
        "SELECT p.*, v.name AS village_name FROM project p LEFT JOIN village v ON v.id = p.village"
        " WHERE p.id = {} AND p.township = {}",
        project_id,
        township_id or NOTHING,
    )
    return rows[0] if rows else None


async def attach_parts(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quantities and funding of all the projects in two queries; each project gets its funding warning."""
    ids = [project["id"] for project in projects] or [NOTHING]
    quantities = (
        await ProjectQuantity.select().where(ProjectQuantity.project.is_in(ids)).order_by(ProjectQuantity.position)
    )
    funding = await ProjectFunding.select().where(ProjectFunding.project.is_in(ids))
    quantities_of, funding_of = defaultdict(list), defaultdict(list)
    for row in quantities:
        quantities_of[row["project"]].append(row)
    for row in sorted(funding, key=lambda row: source_order(row["source"])):
        funding_of[row["project"]].append(row)
    for project in projects:
        project["quantities"] = quantities_of[project["id"]]
        project["funding"] = funding_of[project["id"]]
        project["funded"] = sum((row["amount"] for row in project["funding"]), ZERO)
        project["difference"] = project["funded"] - project["budget"]
        project["warning"] = project["difference"] != 0
    return projects


async def project_list(township_id: int | None, village_id: int = 0, year: int = 0) -> list[VillageProjects]:
    """The township's projects grouped by village (township-wide ones first), with totals by source."""
    township = township_id or NOTHING
    rows = await Project.raw(PROJECTS_SQL, township, village_id, village_id, year, year)
    groups: dict[int | None, VillageProjects] = {}
    for project in await attach_parts(rows):
        group = groups.setdefault(
            project["village"], VillageProjects(project["village"], project["village_name"] or "")
        )
        group.projects.append(project)
        group.budget += project["budget"]
        for row in project["funding"]:
            group.by_source[row["source"]] = group.by_source.get(row["source"], ZERO) + row["amount"]
    return list(groups.values())


async def progress_of(project_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Project.raw(
        "SELECT n.*, u.display_name AS author_name FROM project_progress n LEFT JOIN app_user u ON u.id = n.author"
        " WHERE n.project = {} ORDER BY n.noted_on DESC, n.id DESC",
        project_id,
    )
    return rows


async def beneficiaries_of(project_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Project.raw(
        "SELECT h.id, h.code, v.name AS village_name, head.name AS head_name"
        " FROM project_beneficiary b JOIN household h ON h.id = b.household JOIN village v ON v.id = h.village"
        " LEFT JOIN member head ON head.household = h.id AND head.relation = 'head'"
        " WHERE b.project = {} ORDER BY h.code",
        project_id,
    )
    return rows


async def households_to_pick(user: CurrentUser, village_id: int, project_id: int) -> list[dict[str, Any]]:
    """The village's households the user may see, each marked when it already benefits from the project."""
    rows: list[dict[str, Any]] = await Project.raw(
        "SELECT h.id, h.code, head.name AS head_name,"
        " EXISTS (SELECT 1 FROM project_beneficiary b WHERE b.project = {} AND b.household = h.id) AS chosen"
        " FROM household h LEFT JOIN member head ON head.household = h.id AND head.relation = 'head'"
        " WHERE h.village = {} AND {} ORDER BY h.code",
        project_id,
        village_id or NOTHING,
        household_scope_sql(user, "h"),
    )
    return rows


async def households_in_scope(user: CurrentUser, village_id: int, ids: Iterable[int]) -> set[int]:
    """Of `ids`, those of the village the user may see (anything else posted is ignored)."""
    wanted = list(ids) or [NOTHING]
    rows = await Household.select(Household.id).where(
        household_scope(user) & (Household.village == village_id) & Household.id.is_in(wanted)
    )
    return {row["id"] for row in rows}
