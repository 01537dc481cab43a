"""The bottom navigation of each role; feature areas add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.roles import Role
from server.i18n import N_


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # msgid
    icon: str  # a macro name in templates/_icons.html

    def is_active(self, path: str) -> bool:
        return path == self.href if self.href == "/" else path.startswith(self.href)


HOME = NavItem("/", N_("Home"), "home")
ME = NavItem("/me", N_("Me"), "person")

NAVIGATION: dict[Role, tuple[NavItem, ...]] = {
    Role.CADRE: (HOME, ME),
    Role.LEADER: (HOME, ME),
    Role.ADMIN: (HOME, NavItem("/admin/users", N_("Accounts"), "people"), ME),
    Role.EMPLOYER: (HOME, ME),
}
