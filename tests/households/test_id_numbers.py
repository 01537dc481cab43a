"""Citizen ID numbers (GB 11643): check digit, validation messages, what the number says about its holder."""

from __future__ import annotations

from datetime import date

import pytest

from server import clock
from server.households import id_numbers

# Published examples: a Beijing woman born 1949 (check digit X) and a Guangdong man born 1880.
WOMAN_WITH_X = "11010519491231002X"
MAN_BORN_1880 = "440524188001010014"


def test_check_digit_matches_known_valid_numbers() -> None:
    assert id_numbers.check_digit(WOMAN_WITH_X[:17]) == "X"
    assert id_numbers.check_digit(MAN_BORN_1880[:17]) == "4"


def test_known_valid_numbers_are_accepted() -> None:
    assert id_numbers.validate(WOMAN_WITH_X) is None
    assert id_numbers.validate(MAN_BORN_1880) is None


def test_a_lowercase_x_is_accepted_and_normalised_to_uppercase() -> None:
    assert id_numbers.validate("11010519491231002x") is None
    assert id_numbers.normalise("11010519491231002x") == WOMAN_WITH_X


def test_normalise_removes_spaces_and_full_width_digits() -> None:
    assert id_numbers.normalise(" 110105 19491231 002x ") == WOMAN_WITH_X
    assert id_numbers.normalise("４４０５２４１８８００１０１００１４") == MAN_BORN_1880


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002X1"])
def test_a_number_of_the_wrong_length_is_refused(value: str) -> None:
    assert id_numbers.validate(value) == "The ID number must have 18 characters."


@pytest.mark.parametrize("value", ["1101051949123100XX", "11010519491231A02X", "11010519491231002Y"])
def test_letters_other_than_a_final_x_are_refused(value: str) -> None:
    assert id_numbers.validate(value) == "The ID number must be 17 digits followed by a digit or X."


def test_a_wrong_check_digit_is_refused() -> None:
    assert id_numbers.validate("110105194912310021") == "The check digit of the ID number is wrong."


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19000229", "20230229"])
def test_an_impossible_birth_date_is_refused(birth: str) -> None:
    first17 = f"110105{birth}002"
    value = first17 + id_numbers.check_digit(first17)
    assert id_numbers.validate(value) == "The birth date in the ID number is not a real date."


def test_a_birth_date_in_the_future_is_refused() -> None:
    value = id_numbers.make("371326", date(clock.today().year + 1, 1, 1), 0, "M")
    assert id_numbers.validate(value) == "The birth date in the ID number is in the future."


def test_the_birth_date_sex_and_age_come_from_the_number() -> None:
    assert id_numbers.birth_date(WOMAN_WITH_X) == date(1949, 12, 31)
    assert id_numbers.sex(WOMAN_WITH_X) == "F"
    assert id_numbers.sex(MAN_BORN_1880) == "M"
    assert id_numbers.age(WOMAN_WITH_X, on=date(2019, 12, 30)) == 69
    assert id_numbers.age(WOMAN_WITH_X, on=date(2019, 12, 31)) == 70


@pytest.mark.parametrize(
    ("sequence", "sex", "order"), [(0, "M", "001"), (0, "F", "002"), (498, "F", "998"), (499, "M", "999")]
)
def test_made_numbers_are_valid_and_carry_their_sex_in_the_order_code(sequence: int, sex: str, order: str) -> None:
    value = id_numbers.make("371326", date(1980, 7, 19), sequence, sex)
    assert value.startswith("37132619800719" + order)
    assert id_numbers.validate(value) is None
    assert id_numbers.sex(value) == sex


def test_making_a_number_beyond_the_last_order_code_fails() -> None:
    with pytest.raises(ValueError, match="out of range"):
        id_numbers.make("371326", date(1980, 7, 19), 499, "F")
