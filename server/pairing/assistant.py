"""The pairing assistant: who could take which unpaired household, by rules anyone can check on paper.

Each unpaired household (village by village) goes to the cadre with the smallest key:
  1. a cadre who already visited the household in the last year (e.g. the village's first secretary) first, while
     they are under their fair share (one secretary does not take a whole village);
  2. then how far the cadre's village (where they live or work) is from the household's: within 5 km, within
     15 km, farther, unknown (a cadre with no village);
  3. then fair share: a cadre still under their quota or under the township's fair share before one above it;
  4. then the exact distance, then the fewest current households.
So a cadre tens of kilometres away is never proposed while a nearer one has room (is below the township's
maximum). A cadre at the maximum is never proposed. Cadres still under quota once every household is covered are
proposed as second responsible cadre of a nearby household.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from server.accounts.roles import Role
from server.pairing.queries import HEAD_NAME_SQL
from server.pairing.rules import Quotas, eligible_sql, township_quotas
from server.pairing.tables import Pairing

FAR = 1e6  # km: a cadre with no village assignment has no place to be near to
NEAR_BANDS_KM = (5, 15)  # neighbouring villages, the same part of the township; beyond: far


@dataclass
class Candidate:
    id: int
    name: str
    role: str
    village_id: int | None
    households: int
    quota: int
    paired_with: set[int] = field(default_factory=set)

    @property
    def under_quota(self) -> bool:
        return self.households < self.quota


@dataclass(frozen=True)
class Proposal:
    household_id: int
    household_code: str
    head: str
    village: str
    village_id: int
    cadre_id: int
    cadre_name: str
    cadre_role: str
    rank: int
    why: str  # 'visits' | 'same_village' | 'nearby' | 'balance'
    km: float | None = None


@dataclass
class Situation:
    """Everything the rule needs, loaded with three queries whatever the township's size."""

    quotas: Quotas
    cadres: list[Candidate]
    households: list[dict[str, Any]]  # eligible households: id, code, head, village_id, village, active
    places: dict[int, tuple[float, float] | None]  # village id -> (lat, lng)
    visitors: dict[int, set[int]] = field(default_factory=dict)  # household id -> cadres who visited it lately


async def load_situation(township_id: int | None) -> Situation:
    quotas = await township_quotas(township_id)
    town = township_id or -1
    cadre_rows = await Pairing.raw(
        "SELECT u.id, u.display_name, u.role, u.village,"
        " coalesce(array_agg(p.household) FILTER (WHERE p.id IS NOT NULL), ARRAY[]::int[]) AS paired"
        " FROM app_user u LEFT JOIN pairing p ON p.cadre = u.id AND p.ended_on IS NULL"
        " WHERE u.township = {} AND u.is_active AND u.role IN ('leader', 'cadre')"
        " GROUP BY u.id ORDER BY u.id",
        town,
    )
    cadres = [
        Candidate(r["id"], r["display_name"], r["role"], r["village"], len(r["paired"]),
                  quotas.minimum_for(r["role"]), set(r["paired"]))
        for r in cadre_rows
    ]  # fmt: skip
    households = await Pairing.raw(
        f"SELECT h.id, h.code, h.village AS village_id, v.name AS village, {HEAD_NAME_SQL} AS head,"
        " coalesce(array_agg(p.rank) FILTER (WHERE p.id IS NOT NULL), ARRAY[]::smallint[]) AS ranks"
        " FROM household h JOIN village v ON v.id = h.village"
        " LEFT JOIN pairing p ON p.household = h.id AND p.ended_on IS NULL"
        f" WHERE v.township = {{}} AND {eligible_sql('h')} GROUP BY h.id, v.name, v.code ORDER BY v.code, h.code",
        town,
    )
    villages = await Pairing.raw("SELECT id, latitude, longitude FROM village WHERE township = {}", town)
    places = {
        v["id"]: (v["latitude"], v["longitude"]) if v["latitude"] is not None and v["longitude"] is not None else None
        for v in villages
    }
    visits = await Pairing.raw(
        "SELECT DISTINCT x.household, x.cadre FROM visit x JOIN household h ON h.id = x.household"
        " JOIN village v ON v.id = h.village WHERE v.township = {} AND x.visited_at > now() - interval '1 year'",
        town,
    )
    visitors: dict[int, set[int]] = {}
    for row in visits:
        visitors.setdefault(row["household"], set()).add(row["cadre"])
    return Situation(quotas, cadres, [dict(h) for h in households], places, visitors)


def km_between(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    """Great-circle distance in km (haversine), FAR when either place is unknown."""
    if a is None or b is None:
        return FAR
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def fair_share(situation: Situation) -> int:
    """Households per ordinary member once every leader holds their quota."""
    members = sum(c.role == Role.CADRE for c in situation.cadres)
    leaders = len(situation.cadres) - members
    if members == 0:
        return max(math.ceil(len(situation.households) / max(leaders, 1)), situation.quotas.leader)
    rest = max(len(situation.households) - leaders * situation.quotas.leader, 0)
    return max(math.ceil(rest / members), situation.quotas.cadre)


class Planner:
    """Assigns households one by one; loads grow as proposals are made, so the rule balances as it goes."""

    def __init__(self, situation: Situation, exclude: Iterable[int] = ()) -> None:
        self.s = situation
        excluded = set(exclude)
        self.cadres = [c for c in situation.cadres if c.id not in excluded]
        self.share = fair_share(situation)
        self.distance: dict[tuple[int | None, int], float] = {}

    def km(self, cadre: Candidate, village_id: int) -> float:
        key = (cadre.village_id, village_id)
        if key not in self.distance:
            here = self.s.places.get(cadre.village_id) if cadre.village_id else None
            self.distance[key] = km_between(here, self.s.places.get(village_id))
        return self.distance[key]

    def has_share(self, cadre: Candidate) -> bool:
        """Still under their quota or the fair share: room before anyone above it gets more."""
        return cadre.households < max(self.share, cadre.quota)

    def key(self, cadre: Candidate, household: dict[str, Any]) -> tuple[Any, ...]:
        km = self.km(cadre, household["village_id"])
        band = sum(km >= limit for limit in NEAR_BANDS_KM) + (km >= FAR)
        room = self.has_share(cadre)
        visits = room and cadre.id in self.s.visitors.get(household["id"], ())
        return (not visits, band, not room, km, cadre.households, cadre.id)

    def choose(self, household: dict[str, Any]) -> Candidate | None:
        keys = [
            (self.key(cadre, household), cadre)
            for cadre in self.cadres
            if not self.s.quotas.is_full(cadre.households) and household["id"] not in cadre.paired_with
        ]
        return min(keys, key=lambda pair: pair[0])[1] if keys else None

    def propose(self, household: dict[str, Any], cadre: Candidate, rank: int) -> Proposal:
        km = self.km(cadre, household["village_id"])
        visits = self.has_share(cadre) and cadre.id in self.s.visitors.get(household["id"], ())
        cadre.households += 1
        cadre.paired_with.add(household["id"])
        why = "visits" if visits else "same_village" if km == 0 else "nearby" if km < FAR else "balance"
        return Proposal(
            household["id"], household["code"], household["head"] or "", household["village"],
            household["village_id"], cadre.id, cadre.name, cadre.role, rank, why, None if km >= FAR else km,
        )  # fmt: skip


def plan(situation: Situation, households: list[dict[str, Any]], exclude: Iterable[int] = ()) -> list[Proposal]:
    """Proposals for `households` (to be given a first responsible cadre), then second cadres for quotas."""
    planner = Planner(situation, exclude)
    return [planner.propose(h, cadre, 1) for h in households if (cadre := planner.choose(h)) is not None]


def second_cadres(situation: Situation, planner_exclude: Iterable[int] = ()) -> list[Proposal]:
    """Cadres still under quota become second responsible cadre of households that have only a first one."""
    planner = Planner(situation, planner_exclude)
    open_households = [h for h in situation.households if list(h["ranks"]) == [1]]
    proposals: list[Proposal] = []
    for cadre in [c for c in planner.cadres if c.under_quota]:
        while cadre.under_quota and not situation.quotas.is_full(cadre.households):
            taken = {p.household_id for p in proposals}
            choices = [h for h in open_households if h["id"] not in taken and h["id"] not in cadre.paired_with]
            if not choices:
                break
            household = min(choices, key=lambda h: (planner.km(cadre, h["village_id"]), h["code"]))
            proposals.append(planner.propose(household, cadre, 2))
    return proposals


@dataclass(frozen=True)
class Advice:
    """What the assistant page shows: the proposals, and the situation before any of them."""

    proposals: list[Proposal]
    unpaired: int
    under_quota: list[Candidate]
    quotas: Quotas


async def advise(township_id: int | None) -> Advice:
    """The assistant's proposals for the whole township (the page may filter them by village)."""
    situation = await load_situation(township_id)
    unpaired = [h for h in situation.households if not h["ranks"]]
    waiting = [Candidate(**{**vars(c), "paired_with": set(c.paired_with)}) for c in situation.cadres if c.under_quota]
    first = plan(situation, unpaired)
    return Advice(first + second_cadres(situation), len(unpaired), waiting, situation.quotas)
