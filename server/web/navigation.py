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
        return path == self.href if self.href == "/" else path == self.href or path.startswith(self.href + "/")


HOME = NavItem("/", N_("Home"), "home")
ME = NavItem("/me", N_("Me"), "person")
HOUSEHOLDS = NavItem("/households", N_("Assisted households"), "list")

NAVIGATION: dict[Role, tuple[NavItem, ...]] = {
    Role.PROVINCE: (HOME, ME),
    Role.CITY: (HOME, ME),
    Role.COUNTY: (
        HOME,
        NavItem("/county/lists", N_("Approvals"), "clipboard"),
        NavItem("/statistics", N_("Statistics"), "chart"),
        ME,
    ),
    Role.CADRE: (
        HOME,
        HOUSEHOLDS,
        NavItem("/visits", N_("Visits"), "visit"),
        NavItem("/jobs", N_("Jobs"), "briefcase"),
        ME,
    ),
    Role.LEADER: (
        HOME,
        HOUSEHOLDS,
        NavItem("/monitoring", N_("Monitoring"), "shield"),
        NavItem("/coverage", N_("Coverage"), "chart"),
        ME,
    ),
    Role.ADMIN: (
        HOME,
        HOUSEHOLDS,
        NavItem("/identification", N_("Identification"), "clipboard"),
        NavItem("/pairings", N_("Pairings"), "handshake"),
        ME,
    ),
    Role.INSPECTOR: (
        HOME,
        HOUSEHOLDS,
        NavItem("/checks", N_("Spot checks"), "search"),
        NavItem("/verification", N_("Calls"), "phone"),
        ME,
    ),
    Role.EMPLOYER: (
        HOME,
        NavItem("/employer/jobs", N_("Posts"), "briefcase"),
        NavItem("/employer/referrals", N_("Referrals"), "handshake"),
        ME,
    ),
}
