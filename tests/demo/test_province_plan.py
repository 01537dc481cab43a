"""The province scale's plan: twelve counties under two cities, each township distinct in code, usernames, ID
numbers and phones, without loading it (that is `bangfu demo --scale province`, measured in `make bench`)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from server.demo.context import Context
from server.demo.geography import DEMO_COUNTY, PROVINCE_COUNTIES, township_plans
from server.households import id_numbers
from server.places.division_codes import code_problem


def test_the_province_has_twelve_counties_of_twenty_townships_under_two_cities() -> None:
    plans = township_plans("province")
    per_county = Counter(plan.county.code for plan in plans)
    assert len(per_county) == len(PROVINCE_COUNTIES) == 12
    assert set(per_county.values()) == {20}
    assert {county.city[1] for county in PROVINCE_COUNTIES} == {"临沂市", "菏泽市"}
    assert township_plans("county") == [plan for plan in plans if plan.county == DEMO_COUNTY]


def test_every_township_has_its_own_well_formed_code_and_username_part() -> None:
    plans = township_plans("province")
    assert len({plan.code for plan in plans}) == len(plans)
    assert len({plan.short_code for plan in plans}) == len(plans)
    assert all(code_problem(plan.code, "township", plan.county.code) is None for plan in plans)


def test_people_of_two_counties_never_share_an_id_number_or_a_phone() -> None:
    first, other = (
        next(p for p in township_plans("province") if p.county == c and p.slot == 3) for c in PROVINCE_COUNTIES[:2]
    )
    here, there = Context(first, 1, "x"), Context(other, 2, "x")
    born = date(1970, 5, 1)
    numbers = [here.issuer.issue(born, "M"), there.issuer.issue(born, "M")]
    assert numbers[0] != numbers[1]
    assert [number[:6] for number in numbers] == [first.county.region, other.county.region]
    assert all(id_numbers.validate(number) is None for number in numbers)
    phones = {here.phones.next() for _ in range(200)} & {there.phones.next() for _ in range(200)}
    assert not phones
