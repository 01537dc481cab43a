"""A household's `per_capita_income` is kept by PostgreSQL (a generated column, migration monitoring 2026-12-06T17:40):
the same figure as `per_capita_net_income` after every way its incomes or members are written (registered, incomes
edited, members added and removed, a placement's wages, a household without members, the demo's COPY)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households.income import INCOME_PARTS, per_capita_net_income
from server.households.tables import Household, Member
from server.jobs.placements import change_wage_income
from tests.helpers import log_in, post_form
from tests.households.conftest import add_household, new_id
from tests.households.test_registry_forms import HOUSEHOLD

MEMBER = {"schooling": "none", "health": "healthy", "labour_skill": "normal"}
# (wage, business, property, transfers, production cost, members): halves of a cent either way, repeating
# quotients, a loss, no members.
CASES = [
    ("0.05", "0", "0", "0", "0", 2),  # 0.025 → 0.03
    ("0", "0", "0", "0", "0.05", 2),  # -0.025 → -0.03
    ("25079.98", "0", "0", "0", "0", 3),  # 8359.99333…
    ("25080.00", "0", "0", "0", "0", 3),
    ("10", "0", "0", "0", "0", 3),  # 3.333…
    ("20.01", "0", "0", "0", "0", 6),  # 3.335 → 3.34
    ("6000", "2000.50", "0", "1000", "1000.50", 3),
    ("9999999999.99", "9999999999.99", "9999999999.99", "9999999999.99", "0", 7),
    ("1000", "0", "0", "0", "3000.07", 4),  # -500.0175 → -500.02
    ("500", "0", "0", "0", "0", 0),
]

_ROWS = f"SELECT id, per_capita_income, member_count, production_cost, {', '.join(INCOME_PARTS)} FROM household"


async def misjudged() -> list[tuple[int, Decimal | None, Decimal | None]]:
    """Every household whose kept figure is not the Python one: (id, kept, Python's)."""
    wrong = []
    for row in await Household.raw(_ROWS):
        expected = per_capita_net_income(row, int(row["member_count"]))
        if row["per_capita_income"] != expected or str(row["per_capita_income"]) != str(expected):
            wrong.append((row["id"], row["per_capita_income"], expected))
    return wrong


async def kept(household_id: int) -> Decimal | None:
    """The household's kept figure, after checking every household's."""
    assert await misjudged() == []
    [row] = await Household.raw("SELECT per_capita_income FROM household WHERE id = {}", household_id)
    value: Decimal | None = row["per_capita_income"]
    return value


async def test_the_kept_figure_is_the_python_one_to_the_cent_with_halves_losses_and_no_members(
    township: dict[str, int],
) -> None:
    for number, (*amounts, members) in enumerate(CASES):
        fields = dict(zip((*INCOME_PARTS, "production_cost"), (Decimal(amount) for amount in amounts), strict=True))
        household = await add_household(
            township["village"], "王五", f"P-{number:04d}", members=[("王", "son")] * (members - 1), **fields
        )
        if not members:
            await Member.delete().where(Member.household == household["id"])
        assert await kept(household["id"]) == per_capita_net_income(fields, members), (amounts, members)
    assert await kept(household["id"]) is None  # the last case has no members


async def test_registering_editing_incomes_and_adding_or_removing_members_keep_the_figure(
    client: Any, make_user: Any, register: Any
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    data = {**HOUSEHOLD, "village": str(register["village"]), "head_id_number": new_id()}
    assert (await post_form(client, "/households/new", "/households/new", data)).status_code == 303
    new = await Household.select(Household.id).where(Household.code == HOUSEHOLD["code"]).first()
    assert new is not None
    assert await kept(new["id"]) == Decimal("3000.00")  # 3,000 of wages, one person

    url = f"/households/{new['id']}/members/new"
    for name in ("孙小明", "孙小红"):
        added = {"name": name, "id_number": new_id(), "relation": "son", **MEMBER}
        assert (await post_form(client, url, url, added)).status_code == 303
    assert await kept(new["id"]) == Decimal("1000.00")

    edit = f"/households/{new['id']}/edit"
    incomes = {"wage_income": "3000", "business_income": "1000.01", "production_cost": "0.01"}
    assert (await post_form(client, edit, edit, {**data, **incomes})).status_code == 303
    assert await kept(new["id"]) == Decimal("1333.33")

    son = await Member.select(Member.id).where((Member.household == new["id"]) & (Member.name == "孙小明")).first()
    assert son is not None
    remove = f"/members/{son['id']}/remove"
    assert (await post_form(client, f"/members/{son['id']}/edit", remove, {})).status_code == 303
    assert await kept(new["id"]) == Decimal("2000.00")


async def test_a_placements_wages_keep_the_figure(make_user: Any, register: Any, township: dict[str, int]) -> None:
    zhang = register["zhang"]["id"]
    only_wages = {getattr(Household, part): Decimal(0) for part in (*INCOME_PARTS, "production_cost")}
    await Household.update({**only_wages, Household.wage_income: Decimal("1000")}).where(Household.id == zhang)
    assert await kept(zhang) == Decimal("500.00")  # two people
    admin = await make_user("admin", username="office")
    user = CurrentUser(admin, "office", "办公室", Role.ADMIN, township["township"], None, None, "zh_CN", "key")
    await change_wage_income(zhang, Decimal("1200.01"), user, "127.0.0.1")
    assert await kept(zhang) == Decimal("1100.01")  # 1,100.005 to the cent, the half away from zero


async def test_every_demo_household_keeps_the_python_figure(demo: Any) -> None:
    assert await misjudged() == []
    assert await Household.count() > 900
