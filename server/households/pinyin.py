"""Pinyin of a person's name, stored for search: initials (张三 → 'zs') and full pinyin (薛永霞 → 'xueyongxia')."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

MAX_LENGTH = 10  # Member.initials
PINYIN_LENGTH = 60  # Member.pinyin

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


# Their full readings, for the full pinyin (the initials above are these readings' first letters).
SURNAME_PINYIN = {
    "长孙": "zhangsun",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "朴": "piao",
    "缪": "miao",
    "翟": "zhai",
    "乐": "yue",
    "尉": "yu",
    "种": "chong",
    "召": "shao",
    "折": "she",
    "秘": "bi",
    "覃": "qin",
    "繁": "po",
    "员": "yun",
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


@lru_cache(maxsize=8192)
def full_pinyin(name: str) -> str:
    """Lower-case syllables without tones or spaces, surname read as a surname (薛永霞 → 'xueyongxia')."""
    name = "".join(name.split())
    prefix = ""
    for surname in sorted(SURNAME_PINYIN, key=len, reverse=True):
        if name.startswith(surname):
            prefix, name = SURNAME_PINYIN[surname], name[len(surname) :]
            break
    syllables = "".join(lazy_pinyin(name, style=Style.NORMAL, v_to_u=False)) if name else ""
    return (prefix + "".join(c for c in syllables.lower() if c.isascii() and c.isalnum()))[:PINYIN_LENGTH]


def search_keys(name: str) -> dict[str, str]:
    """The member columns search reads besides the name: `initials` and `pinyin`."""
    return {"initials": initials(name), "pinyin": full_pinyin(name)}
