"""Parsing and validating an office's account forms and roster rows; errors are msgids keyed by field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from server.accounts.passwords import password_problem
from server.accounts.roles import Role
from server.i18n import N_, too_long

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")

# 职务 the offices use most; any other title may be typed.
TITLES = ("乡镇领导", "乡镇干部", "第一书记", "驻村工作队员", "村干部", "扶贫专干", "督导组成员")


@dataclass
class AccountForm:
    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)


def _text(data: Mapping[str, str], name: str) -> str:
    return (data.get(name) or "").strip()


def _limited(form: AccountForm, name: str, limit: int, required_message: str | None = None) -> str:
    value = _text(form.data, name)
    if not value and required_message:
        form.add(name, required_message)
    elif len(value) > limit:
        form.add(name, too_long(limit))
    return value


def _choice(form: AccountForm, name: str, allowed: Mapping[int, str]) -> int | None:
    raw = _text(form.data, name)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in allowed:
        form.add(name, N_("Choose a value from the list."))
        return None
    return int(raw)


def parse_account(
    data: Mapping[str, str],
    roles: tuple[Role, ...],
    *,
    new: bool,
    villages: Mapping[int, str],
    townships: Mapping[int, str],
) -> AccountForm:
    """An account as an office types it (`villages` of a township office, `townships` of the county office).
    A new account carries the temporary password its person must change at the first login."""
    form = AccountForm(data=dict(data))
    username = _text(data, "username")
    if new and not USERNAME.match(username):
        form.add("username", N_("3 to 40 letters, digits, '_', '.' or '-'."))
    role = _text(data, "role")
    if role not in {r.value for r in roles}:
        form.add("role", N_("Choose a value from the list."))
    phone = _text(data, "phone")
    if phone and not MOBILE.match(phone):
        form.add("phone", N_("Enter an 11-digit mobile number."))
    form.values = {
        "display_name": _limited(form, "display_name", 40, N_("Enter the name.")),
        "role": role,
        "phone": phone or None,
        "title": _limited(form, "title", 60),
        "unit": _limited(form, "unit", 60),
        "village": _choice(form, "village", villages),
        "township": _choice(form, "township", townships),
    }
    if townships and role == Role.ADMIN and form.values["township"] is None:
        form.add("township", N_("Choose the township."))
    if new:
        form.values["username"] = username
        form.values["password"] = temporary_password(form, username)
    return form


def temporary_password(form: AccountForm, username: str) -> str:
    password = form.data.get("password", "")
    if problem := password_problem(password, username):
        form.add("password", problem)
    return str(password)
