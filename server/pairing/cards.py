"""Door cards (帮扶联系卡): the household, its responsible cadres with phones, policies, and a QR code."""

from __future__ import annotations

from typing import Any

import segno
from markupsafe import Markup

from server import codes
from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.pairing import visit_figures
from server.pairing.card_tokens import card_path, tokens_for
from server.pairing.queries import HEAD_NAME_SQL, responsible_cadres
from server.pairing.rules import eligible_sql
from server.scope import household_scope_sql

_CARDS = f"""
SELECT h.id, h.code, h.address, h.attribute, h.status, h.monitoring_type, h.main_cause,
       v.id AS village_id, v.name AS village, g.name AS village_group, {HEAD_NAME_SQL} AS head
FROM household h JOIN village v ON v.id = h.village LEFT JOIN village_group g ON g.id = h."group"
WHERE {{}} AND (h.id = ANY({{}}) OR v.id = {{}}) AND {eligible_sql("h")}
ORDER BY h.code
"""


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code (no size: the stylesheet gives it one, so it prints sharp)."""
    svg: str = segno.make(url, error="m").svg_inline(border=2, omitsize=True, title=url)
    return Markup(svg)  # noqa: S704 -- segno escapes the title; the rest is path data


def policies(household: dict[str, Any]) -> list[str]:
    """What the register itself says the household is entitled to (no measure is invented here)."""
    lines = [codes.HOUSEHOLD_ATTRIBUTE.label(household["attribute"]), codes.POVERTY_STATUS.label(household["status"])]
    if household["monitoring_type"]:
        lines.append(codes.MONITORING_TYPE.label(household["monitoring_type"]))
    if household["attribute"] == "dibao":
        lines.append(codes.MEASURE_TYPE.label("dibao"))
    return [line for line in lines if line]


async def cards(
    user: CurrentUser,
    base_url: str,
    household_id: int = -1,
    village_id: int = -1,
    household_ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """One household's card, the cards of chosen households, or every card of a village, within the user's scope;
    a constant number of queries."""
    chosen = [household_id, *(household_ids or [])]
    rows = [dict(r) for r in await Household.raw(_CARDS, household_scope_sql(user, "h"), chosen, village_id)]
    ids = [row["id"] for row in rows]
    cadres = await responsible_cadres(ids)
    measures = await visit_figures.measures(ids)
    tokens = await tokens_for(ids, user.id)
    for row in rows:
        row["cadres"] = cadres.get(row["id"], [])
        row["policies"] = policies(row)
        row["measures"] = measures.get(row["id"], [])
        # The QR carries the card's random token: the responsible cadre lands on the visit form, anyone else on the
        # household's public page, which shows nothing personal (server.reports).
        row["scan_url"] = base_url.rstrip("/") + card_path(tokens[row["id"]])
        row["qr"] = qr_svg(row["scan_url"])
        row["cause"] = codes.POVERTY_CAUSE.label(row["main_cause"])
    return rows
