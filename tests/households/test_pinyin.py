"""Pinyin initials, stored so a cadre can find 张三 by typing 'zs'."""

from __future__ import annotations

import pytest

from server.households.pinyin import initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [("张三", "zs"), ("欧阳娜娜", "oynn"), ("  王 小明 ", "wxm"), ("买买提·艾力", "mmtal"), ("", "")],
)
def test_initials_are_the_lower_case_first_letters(name: str, expected: str) -> None:
    assert initials(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"), [("单田芳", "stf"), ("曾国藩", "zgf"), ("解晓东", "xxd"), ("长孙无忌", "zswj")]
)
def test_surnames_are_read_as_surnames(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_initials_fit_the_column() -> None:
    assert len(initials("爱新觉罗玄烨爱新觉罗胤禛")) == 10
