"""The glossary page (术语): the terms every page uses for the same thing, on every level, in one list."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from server.i18n import N_
from server.web.templating import page

# (term, what it means): msgids. A page naming one of these things uses the term's own wording.
TERMS = (
    (N_("Responsible cadre"), N_("The cadre paired with a household (帮扶责任人); a household may have several.")),
    (N_("Quota"), N_("Households a cadre must be paired with: at least 3 for a leader, 1 for a party member cadre.")),
    (N_("Coverage"), N_("Households with a responsible cadre, over the households that need one.")),
    (
        N_("Not visited within the township's alert days"),
        N_("Households nobody visited in more days than the township's alert days (60 by default)."),
    ),
    (N_("Follow-ups overdue"), N_("Return visits whose due day has passed without a visit.")),
    (
        N_("Return-to-poverty rate"),
        N_("Households returned to poverty over households lifted out; kept under the cap."),
    ),
    (
        N_("Poverty incidence"),
        N_("People in households not yet out of poverty or returned to poverty, over the rural population."),
    ),
    (N_("Monitored household"), N_("A household the prevention of return to poverty watches, of one of three types.")),
    (N_("Past the clock"), N_("A risk not confirmed, or without a measure, within the days the rules set.")),
    (N_("Lists for the county"), N_("What a township sends for the county office to approve, household by household.")),
    (N_("Statistics reports"), N_("Figures of a place and period, each with the list behind it, as a page and Excel.")),
)


class GlossaryController(Controller):
    @get("/glossary")
    async def glossary(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "home/glossary.html", terms=TERMS)
