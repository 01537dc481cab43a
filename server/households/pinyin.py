"""Pinyin initials of a person's name, stored for search (张三 → 'zs')."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

MAX_LENGTH = 10  # Member.initials

# Surnames read differently from the same character in ordinary words: pypinyin would give 单 'd', 曾 'c'.
SURNAME_INITIALS = {
    "长孙": "zs",
    "尉迟": "yc",
    "万俟": "mq",
    "单": "s",
    "曾": "z",
    "解": "x",
    "仇": "q",
    "区": "o",
    "查": "z",
    "盖": "g",
    "朴": "p",
    "缪": "m",
    "翟": "z",
    "乐": "y",
    "尉": "y",
    "种": "c",
    "召": "s",
    "折": "s",
    "秘": "b",
    "覃": "q",
    "繁": "p",
    "员": "y",
}


@lru_cache(maxsize=8192)  # names repeat a lot, and pypinyin is the slow part of loading a roster
def initials(name: str) -> str:
    """Lower-case first letters of each syllable, surname read as a surname; other characters dropped."""
    name = name.strip()
    prefix = ""
    for surname in sorted(SURNAME_INITIALS, key=len, reverse=True):
        if name.startswith(surname):
            prefix, name = SURNAME_INITIALS[surname], name[len(surname) :]
            break
    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)) if name else ""
    return (prefix + "".join(c for c in letters.lower() if c.isascii() and c.isalnum()))[:MAX_LENGTH]
