"""What generating one township needs: seeded randomness, and unique ID numbers and phones."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from server.demo.geography import SLOTS, TownshipPlan
from server.households import id_numbers

SEED = 20260526  # the source plan's application week; any fixed number makes the demo repeatable


@dataclass
class IdNumberIssuer:
    """Unique ID numbers for one township: its order ranks are slot, slot + SLOTS, slot + 2 × SLOTS, ..."""

    region: str  # the county's 6 digits
    slot: int
    issued: Counter[tuple[date, str]] = field(default_factory=Counter)

    def issue(self, birth: date, sex: str) -> str:
        while True:
            rank = self.slot + SLOTS * self.issued[(birth, sex)]
            self.issued[(birth, sex)] += 1
            if 2 * rank + 2 <= id_numbers.HIGHEST_ORDER_CODE:
                return id_numbers.make(self.region, birth, rank, sex)  # the ID number's 6-digit region
            birth += timedelta(days=1)  # that day is full for this township: the next one will do


@dataclass
class PhoneBook:
    """Unique mobile numbers: the township's slot sits in digits 4-5, so the townships of a county never share one,
    and each county's prefixes are its own."""

    prefixes: tuple[str, ...]
    slot: int
    rng: random.Random
    used: set[int] = field(default_factory=set)

    def next(self) -> str:
        number = self.rng.randrange(1_000_000)
        while number in self.used:
            number = self.rng.randrange(1_000_000)
        self.used.add(number)
        return f"{self.rng.choice(self.prefixes)}{self.slot:02d}{number:06d}"


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
        phones = random.Random(f"{SEED}-{self.plan.code}-phones")  # noqa: S311
        self.phones = PhoneBook(self.plan.county.phone_prefixes, self.plan.slot, phones)
        self.issuer = IdNumberIssuer(self.plan.county.region, self.plan.slot)
