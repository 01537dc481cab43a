"""Money of projects: stored in yuan (NUMERIC), typed in yuan or 万, shown as 万元 where people expect it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from server.i18n import N_, gettext

TEN_THOUSAND = Decimal(10000)
LIMIT = Decimal("10000000000")  # NUMERIC(12, 2)
WAN_SUFFIX = re.compile(r"\s*(万元|万)$")
YUAN_SUFFIX = re.compile(r"\s*元$")


class MoneyError(ValueError):
    """The text is not an amount; the message is a msgid."""


def parse_money(text: str) -> Decimal | None:
    """'163000', '163,000', '16.3万' and '16.3万元' all mean 163000 yuan; '' means no amount."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return None
    factor = Decimal(1)
    if WAN_SUFFIX.search(text):
        text, factor = WAN_SUFFIX.sub("", text), TEN_THOUSAND
    text = YUAN_SUFFIX.sub("", text)
    try:
        value = Decimal(text) * factor
    except InvalidOperation as error:
        raise MoneyError(N_("Enter an amount in yuan, e.g. 163000 or 16.3万.")) from error
    if not value.is_finite():
        raise MoneyError(N_("Enter an amount in yuan, e.g. 163000 or 16.3万."))
    if value < 0:
        raise MoneyError(N_("An amount cannot be negative."))
    if value >= LIMIT or value != value.quantize(Decimal("0.01")):
        raise MoneyError(N_("Enter an amount in yuan with at most two decimals."))
    return value.quantize(Decimal("0.01"))


def plain(value: Decimal) -> str:
    """A number without trailing zeros: 16.30 → 16.3, 150000.00 → 150000."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan(amount: Decimal | int | None) -> str:
    """163000 → '16.3万元' (exact to the yuan, so sums shown still add up)."""
    value = Decimal(amount or 0) / TEN_THOUSAND
    return gettext("%(amount)s wan yuan", amount=plain(value.quantize(Decimal("0.000001"))))


def yuan(amount: Decimal | int | None) -> str:
    """163000 → '163,000.00元', for forms and exact figures."""
    return gettext("%(amount)s yuan", amount=f"{Decimal(amount or 0):,.2f}")
