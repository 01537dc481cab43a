"""What the public pages show (nothing personal) and the lists of reports the township reads. No HTTP."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.pairing.card_tokens import ScannedCard
from server.pairing.queries import responsible_cadres
from server.places.tables import Village
from server.reports.tables import PublicPage, PublicReport
from server.scope import household_scope_sql


@dataclass(frozen=True)
class PublicCadre:
    """A responsible cadre as the door card prints them: name, title and phone (the card shows them anyway)."""

    name: str
    title: str
    phone: str


@dataclass(frozen=True)
class TownshipPage:
    township_id: int
    township: str
    token: str
    help_line: str
    policies: str
    updated_at: datetime | None


async def township_page(township_id: int) -> TownshipPage:
    """The township's public page, made (with its token) the first time anyone asks for it."""
    await PublicPage.raw(
        "INSERT INTO public_page (township, token, help_line, policies, updated_at)"
        " SELECT t.id, {}, coalesce(s.office_phone, ''), '', now() FROM township t"
        " LEFT JOIN identification_settings s ON s.township = t.id WHERE t.id = {}"
        " ON CONFLICT (township) DO NOTHING",
        secrets.token_urlsafe(16),
        township_id,
    )
    rows = await PublicPage.raw(
        "SELECT p.township AS township_id, t.name AS township, p.token, p.help_line, p.policies, p.updated_at"
        " FROM public_page p JOIN township t ON t.id = p.township WHERE p.township = {}",
        township_id,
    )
    return TownshipPage(**rows[0])


async def page_by_token(token: str) -> TownshipPage | None:
    rows = await PublicPage.raw(
        "SELECT p.township AS township_id, t.name AS township, p.token, p.help_line, p.policies, p.updated_at"
        " FROM public_page p JOIN township t ON t.id = p.township WHERE p.token = {}",
        token,
    )
    return TownshipPage(**rows[0]) if rows else None


async def card_page(card: ScannedCard) -> dict[str, Any]:
    """The door card's public page: the township's page, the village, the responsible cadres. Three queries."""
    cadres = (await responsible_cadres([card.household])).get(card.household, [])
    return {
        "township_page": await township_page(card.township),
        "village_name": card.village_name,
        "cadres": [PublicCadre(c["name"], c["title"] or "", c["phone"] or "") for c in cadres],
    }


async def villages_of(township_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await Village.select(Village.id, Village.name).where(Village.township == township_id).order_by(Village.code)
    )
    return rows


async def save_page(user: CurrentUser, help_line: str, policies: str, new_token: bool) -> None:
    values: dict[Any, Any] = {
        PublicPage.help_line: help_line,
        PublicPage.policies: policies,
        PublicPage.updated_by: user.id,
        PublicPage.updated_at: datetime.now(UTC),
    }
    if new_token:
        values[PublicPage.token] = secrets.token_urlsafe(16)
    await PublicPage.update(values).where(PublicPage.township == (user.township_id or -1))


_REPORTS = """
SELECT r.id, r.kind, r.category, r.text, r.name, r.callback_phone, r.state, r.outcome, r.handling_note,
       r.created_at, r.handled_at, r.household, r.village, r.risk_case, h.code AS household_code,
       vl.name AS village_name, hu.display_name AS handled_by_name,
       (SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1) AS head
FROM public_report r
LEFT JOIN household h ON h.id = r.household
LEFT JOIN village vl ON vl.id = coalesce(h.village, r.village)
LEFT JOIN app_user hu ON hu.id = r.handled_by
WHERE r.township = {} AND (r.household IS NULL OR {}) AND r.kind = ANY({}) AND ({}::int IS NULL OR r.id = {}::int)
ORDER BY r.state = 'handled', r.created_at DESC
LIMIT 200
"""


@dataclass(frozen=True)
class Report:
    """A report as the township's lists show it."""

    id: int
    kind: str
    category: str
    text: str
    name: str
    callback_phone: str
    state: str
    outcome: str
    handling_note: str
    created_at: datetime
    handled_at: datetime | None
    household: int | None
    village: int | None
    risk_case: int | None
    household_code: str | None
    village_name: str | None
    handled_by_name: str | None
    head: str | None

    @property
    def is_open(self) -> bool:
        return self.state == "new"


def kinds_for(user: CurrentUser) -> tuple[str, ...]:
    """Complaints reach the office and the inspection group only, never a cadre (they may be about that cadre);
    help requests are the office's to match. Cadres and leaders read the difficulties of their households."""
    if user.role in (Role.ADMIN, Role.INSPECTOR):
        return ("difficulty", "complaint", "help")
    if user.role in (Role.LEADER, Role.CADRE):
        return ("difficulty",)
    return ()


async def reports(user: CurrentUser, kinds: tuple[str, ...] = (), report_id: int | None = None) -> list[Report]:
    """Reports the user may read (scope in the WHERE clause), open ones first, newest first."""
    allowed = [kind for kind in (kinds or kinds_for(user)) if kind in kinds_for(user)]
    rows = await PublicReport.raw(
        _REPORTS, user.township_id or -1, household_scope_sql(user, "h"), allowed, report_id, report_id
    )
    return [Report(**row) for row in rows]


async def report(user: CurrentUser, report_id: int) -> Report | None:
    found = await reports(user, report_id=report_id)
    return found[0] if found else None


def open_counts_sql(user: CurrentUser) -> QueryString:
    """Open reports by kind (`kind`, `n`), the same scope as the lists: for the homes' badges, alone or inside the
    home's one statement of figures (server/home/queries.py)."""
    return QueryString(
        "SELECT r.kind, count(*) AS n FROM public_report r LEFT JOIN household h ON h.id = r.household"
        " WHERE r.township = {} AND r.state = 'new' AND (r.household IS NULL OR {}) AND r.kind = ANY({})"
        " GROUP BY r.kind",
        user.township_id or -1,
        household_scope_sql(user, "h"),
        list(kinds_for(user)),
    )


async def open_counts(user: CurrentUser) -> dict[str, int]:
    """Open reports by kind, for the homes' badges (the same scope as the lists)."""
    rows = await PublicReport.raw("{}", open_counts_sql(user))
    return {row["kind"]: int(row["n"]) for row in rows}
