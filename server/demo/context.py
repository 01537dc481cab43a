"""What generating one township needs: seeded randomness, and unique ID numbers and phones."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from server.demo.geography import COUNTY_CODE, SLOTS, TownshipPlan
from server.households import id_numbers

SEED = 20260526  # the source plan's application week; any fixed number makes the demo repeatable
PHONE_PREFIXES = ("133", "135", "137", "138", "139", "150", "152", "158", "177", "180", "186", "188", "189")


@dataclass
class IdNumberIssuer:
    """Unique ID numbers for one township: its order ranks are slot, slot + SLOTS, slot + 2 × SLOTS, ..."""

    slot: int
    issued: Counter[tuple[date, str]] = field(default_factory=Counter)

    def issue(self, birth: date, sex: str) -> str:
        while True:
            rank = self.slot + SLOTS * self.issued[(birth, sex)]
            self.issued[(birth, sex)] += 1
            if 2 * rank + 2 <= id_numbers.HIGHEST_ORDER_CODE:
                return id_numbers.make(COUNTY_CODE[:6], birth, rank, sex)  # the ID number's 6-digit region
            birth += timedelta(days=1)  # that day is full for this township: the next one will do


@dataclass
class PhoneBook:
    """Unique mobile numbers: the township's slot sits in digits 4-5, so townships never share one."""

    slot: int
    rng: random.Random
    used: set[int] = field(default_factory=set)

    def next(self) -> str:
        number = self.rng.randrange(1_000_000)
        while number in self.used:
            number = self.rng.randrange(1_000_000)
        self.used.add(number)
        return f"{self.rng.choice(PHONE_PREFIXES)}{self.slot:02d}{number:06d}"


@dataclass
class Context:
    """One township being generated. Each township has its own seed, so it comes out the same at either scale."""

    plan: TownshipPlan
    township_id: int
    password_hash: str
    rng: random.Random = field(init=False)
    fake: Faker = field(init=False)
    phones: PhoneBook = field(init=False)
    issuer: IdNumberIssuer = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{SEED}-{self.plan.code}")  # noqa: S311 -- repeatable demo data, not secrets
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(SEED + int(self.plan.code))
        self.phones = PhoneBook(self.plan.slot, random.Random(f"{SEED}-{self.plan.code}-phones"))  # noqa: S311
        self.issuer = IdNumberIssuer(self.plan.slot)
