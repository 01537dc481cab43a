"""Citizen ID numbers (GB 11643): 6-digit region, 8-digit birth date, 3-digit order code, MOD 11-2 check digit."""

from __future__ import annotations

import unicodedata
from datetime import date
from operator import mul

from server.clock import today
from server.i18n import N_

LENGTH = 18
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum modulo 11
HIGHEST_ORDER_CODE = 999


def normalise(value: str) -> str:
    """What a person typed, as stored: full-width digits made ASCII, spaces removed, 'x' made 'X'."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2); may be 'X'."""
    if len(first17) != LENGTH - 1 or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(map(mul, map(int, first17), WEIGHTS))  # 17 digits checked above, 17 weights
    return CHECK_CHARACTERS[total % 11]


def validate(value: str) -> str | None:
    """None when `value` (normalised first) is a valid ID number, else a msgid saying what is wrong."""
    value = normalise(value)
    if len(value) != LENGTH:
        return N_("The ID number must have 18 characters.")
    if not value[:17].isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        return N_("The ID number must be 17 digits followed by a digit or X.")
    try:
        born = _birth_date(value)
    except ValueError:
        return N_("The birth date in the ID number is not a real date.")
    if born > today():
        return N_("The birth date in the ID number is in the future.")
    if value[17] != check_digit(value[:17]):
        return N_("The check digit of the ID number is wrong.")
    return None


def birth_date(value: str) -> date:
    """The birth date inside the number; ValueError when it is not a real date."""
    return _birth_date(normalise(value))


def sex(value: str) -> str:
    """'M' or 'F': the 17th digit (last of the order code) is odd for men, even for women."""
    return "M" if int(normalise(value)[16]) % 2 else "F"


def age(value: str, on: date) -> int:
    """Completed years of life on the day `on`."""
    born = birth_date(value)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def make(region: str, birth: date, sequence: int, sex: str) -> str:
    """A valid number: `sequence` is the 0-based rank among people of that sex born that day in that region.

    Men get the odd order codes 001, 003, ... 999, women the even ones 002, 004, ... 998.
    """
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"region must be 6 digits, got {region!r}")
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
    order = 2 * sequence + (1 if sex == "M" else 2)
    if sequence < 0 or order > HIGHEST_ORDER_CODE:
        raise ValueError(f"sequence {sequence} is out of range for sex {sex}")
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + check_digit(first17)


def _birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
