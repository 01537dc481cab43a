"""Demo families: who lives in a household, their names, ID numbers, schooling, health and work."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from faker import Faker

from server.demo.context import Context
from server.households.pinyin import search_keys

# Names repeat (a few hundred surnames, a few thousand given names): their pinyin is worked out once per name, which
# took a third of the province's household stage.
name_keys = lru_cache(maxsize=200_000)(search_keys)

AS_OF = date(2026, 1, 1)  # ages are reckoned on this 1 January, so the data does not change with the calendar
SIZE_WEIGHTS = {1: 15, 2: 25, 3: 22, 4: 20, 5: 12, 6: 6}
GENERATION_CHARACTERS = "建国志文德明永树世立春海秀玉凤桂淑子家兴宏晓新嘉俊"


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class Person:
    relation: str
    sex: str
    age: int
    surname: str
    generation: int  # 0 for the head, -1 parents, 1 children, 2 grandchildren


def compose(rng: random.Random, fake: Faker) -> list[Person]:
    """Relations, sexes, ages and surnames of one household; the head comes first."""
    size = rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()))[0]
    head_sex = "M" if rng.random() < 0.82 else "F"
    if size == 1:
        head_age = rng.randint(58, 88) if rng.random() < 0.75 else rng.randint(30, 60)
    else:
        head_age = rng.randint(45, 84) if size == 2 else rng.randint(30, 62)
    head = Person("head", head_sex, head_age, fake.last_name(), 0)
    people = [head]
    line = head.surname  # children take the father's surname
    if size > 1 and rng.random() < 0.88:
        gap = rng.randint(0, 5)
        spouse_age = max(20, head_age - gap if head_sex == "M" else head_age + gap)
        people.append(Person("spouse", "F" if head_sex == "M" else "M", spouse_age, fake.last_name(), 0))
        line = head.surname if head_sex == "M" else people[-1].surname
    if head_age <= 58 and size - len(people) >= 1 and rng.random() < 0.35:
        people.extend(_parents(rng, fake, head, size - len(people)))
    _add_descendants(rng, fake, people, size, line)
    return people


def _parents(rng: random.Random, fake: Faker, head: Person, room: int) -> list[Person]:
    father_age = min(96, head.age + rng.randint(24, 32))
    mother = Person("parent", "F", min(95, father_age - rng.randint(0, 4)), fake.last_name(), -1)
    if room >= 2 and rng.random() < 0.4:
        return [Person("parent", "M", father_age, head.surname, -1), mother]
    return [mother] if rng.random() < 0.65 else [Person("parent", "M", father_age, head.surname, -1)]


def _add_descendants(rng: random.Random, fake: Faker, people: list[Person], size: int, line: str) -> None:
    """Children (oldest first); a grown son may bring a wife and grandchildren. Fills up with siblings."""
    head = people[0]
    child_age = head.age - rng.randint(24, 32)
    while len(people) < size and child_age >= 0:
        sex = "M" if rng.random() < 0.52 else "F"
        people.append(Person("son" if sex == "M" else "daughter", sex, child_age, line, 1))
        if sex == "M" and child_age >= 24 and size - len(people) >= 2 and rng.random() < 0.6:
            people.append(Person("daughter_in_law", "F", max(20, child_age + rng.randint(-4, 2)), fake.last_name(), 1))
            grandchild_age = child_age - rng.randint(22, 30)
            while len(people) < size and grandchild_age >= 0:
                sex = "M" if rng.random() < 0.5 else "F"
                people.append(Person("grandchild", sex, grandchild_age, line, 2))
                grandchild_age -= rng.randint(2, 6)
        child_age -= rng.randint(2, 6)
    while len(people) < size:  # no room for more children: a brother or sister of the head lives here
        sex = "M" if rng.random() < 0.5 else "F"
        people.append(Person("sibling", sex, max(18, head.age + rng.randint(-8, 8)), head.surname, 0))


def member_rows(ctx: Context) -> list[dict[str, Any]]:
    """The members of one new household (without the household id), head first."""
    rng, fake = ctx.rng, ctx.fake
    people = compose(rng, fake)
    ethnicity = "回族" if rng.random() < 0.01 else "汉族"
    generation_names = {generation: rng.choice(GENERATION_CHARACTERS) for generation in range(-1, 3)}
    rows = []
    for person in people:
        given = _given_name(rng, fake, person, generation_names)
        # born after 1 January of the year before AS_OF's year: exactly person.age on AS_OF
        birth = date(AS_OF.year - person.age - 1, 1, 1) + timedelta(days=rng.randint(1, 364))
        rows.append(
            {
                "name": person.surname + given,
                **name_keys(person.surname + given),
                "id_number": ctx.issuer.issue(birth, person.sex),
                "relation": person.relation,
                "ethnicity": ethnicity,
                **_schooling(rng, person.age),
                "phone": fake.phone_number() if person.relation == "head" or _has_phone(rng, person) else "",
            }
        )
        rows[-1].update(_work(rng, person.age, rows[-1]["schooling"]))
    return rows


def _given_name(rng: random.Random, fake: Faker, person: Person, generation_names: dict[int, str]) -> str:
    single = fake.first_name_male() if person.sex == "M" else fake.first_name_female()
    married_in = person.relation in ("spouse", "daughter_in_law") or (person.relation == "parent" and person.sex == "F")
    if len(single) == 1 and not married_in and rng.random() < 0.6:
        return generation_names[person.generation] + single  # brothers and sisters share a generation character
    return single


def _has_phone(rng: random.Random, person: Person) -> bool:
    return 18 <= person.age <= 65 and rng.random() < 0.4


def _schooling(rng: random.Random, age: int) -> dict[str, str]:
    """Education (文化程度) and schooling status for an age."""
    if age < 6:
        return {"education": "preschool", "schooling": "preschool" if age >= 3 else "none"}
    for low, high, level in ((6, 11, "primary"), (12, 14, "junior")):
        if low <= age <= high:
            return {"education": level, "schooling": level}
    if age <= 17 and rng.random() < 0.85:
        level = "senior" if rng.random() < 0.6 else "vocational"
        return {"education": level, "schooling": level}
    if 18 <= age <= 21 and rng.random() < 0.35:
        return {"education": "college", "schooling": "college"}
    if age <= 45:
        weights = {"illiterate": 3, "primary": 10, "junior": 50, "senior": 15, "vocational": 12, "college": 8}
    elif age <= 65:
        weights = {"illiterate": 15, "primary": 40, "junior": 35, "senior": 8, "vocational": 2}
    else:
        weights = {"illiterate": 50, "primary": 40, "junior": 10}
    return {"education": weighted(rng, weights), "schooling": "none"}


def _work(rng: random.Random, age: int, schooling: str) -> dict[str, Any]:
    """Health, labour skill, months worked away and insurance, consistent with age and schooling."""
    if age < 18:
        health = weighted(rng, {"healthy": 93, "chronic": 2, "serious": 2, "disabled": 3})
    elif age < 60:
        health = weighted(rng, {"healthy": 72, "chronic": 14, "serious": 5, "disabled": 9})
    else:
        health = weighted(rng, {"healthy": 40, "chronic": 40, "serious": 10, "disabled": 10})
    skill = _labour_skill(rng, age, schooling, health)
    away = 18 <= age <= 55 and skill in ("normal", "skilled") and rng.random() < 0.35
    return {
        "health": health,
        "labour_skill": skill,
        "months_away": rng.choice((3, 4, 6, 8, 10, 12)) if away else 0,
        "medical_insurance": rng.random() < 0.98,
        "pension_insurance": age >= 16 and schooling == "none" and rng.random() < 0.85,
    }


def _labour_skill(rng: random.Random, age: int, schooling: str, health: str) -> str:
    if age < 16 or schooling != "none":
        return "none"
    if health == "serious":
        return weighted(rng, {"lost": 60, "weak": 40})
    if health == "disabled":
        return weighted(rng, {"lost": 50, "weak": 35, "normal": 15})
    if age >= 70:
        return weighted(rng, {"none": 40, "lost": 30, "weak": 30})
    if age >= 60:
        return weighted(rng, {"weak": 60, "normal": 30, "lost": 10})
    if health == "chronic":
        return weighted(rng, {"weak": 50, "normal": 50})
    return weighted(rng, {"normal": 70, "skilled": 18, "weak": 12})
