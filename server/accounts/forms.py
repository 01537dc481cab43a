"""Parsing and validating the account forms; errors are msgids keyed by field."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.accounts.passwords import password_problem
from server.i18n import LOCALES, N_


@dataclass
class LoginForm:
    username: str = ""
    password: str = ""
    next: str = "/"
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: dict[str, str]) -> LoginForm:
        form = cls(
            username=data.get("username", "").strip(),
            password=data.get("password", ""),
            next=safe_next(data.get("next", "/")),
        )
        if not form.username:
            form.errors["username"] = N_("Enter your username or phone number.")
        if not form.password:
            form.errors["password"] = N_("Enter your password.")
        return form


def safe_next(target: str) -> str:
    """Only local paths, so the login page cannot be used to send people elsewhere."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@dataclass
class PasswordChangeForm:
    current: str = ""
    new: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: dict[str, str], username: str) -> PasswordChangeForm:
        form = cls(current=data.get("current_password", ""), new=data.get("new_password", ""))
        if not form.current:
            form.errors["current_password"] = N_("Enter your current password.")
        if problem := password_problem(form.new, username):
            form.errors["new_password"] = problem
        elif form.new != data.get("confirm_password", ""):
            form.errors["confirm_password"] = N_("The two new passwords do not match.")
        return form


def parse_locale(data: dict[str, str]) -> str | None:
    locale = data.get("locale", "")
    return locale if locale in LOCALES else None
