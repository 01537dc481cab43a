"""No template writes a number of the rules: every number on screen in a sentence comes from data or is a fact of
the format (ID numbers have 18 characters), listed here with why."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir

from server.settings import ROOT

# Sentences with digits that are not rules of the policy: formats, examples, product limits, conversions.
NOT_POLICY = {
    "18 characters; sex and birth date are read from it.",  # GB 11643
    "18 characters; the last may be X.",
    "At least 8 characters, with three of: lower-case, upper-case, digits, symbols.",  # the password policy (等保)
    "Newest first. Entries cannot be changed and are kept at least 6 months.",  # the audit's retention (等保)
    "Target number (e.g. household id 123)",
    "e.g. 8:00-17:00, weekends off",
    "Two sheets, 户信息 and 成员信息, with the headers of the export. At most %(n)s rows per sheet, 10 MB.",
    "A4 page. Only what a public notice may show: no ID numbers, phones, bank accounts or health details.",
    "While the member works, the job counts as monthly wage × 12 in the household's yearly wage income; "
    "once it ends, as monthly wage × months worked.",
    "Print (A6)",
    "Print (4 per A4 page)",
    "In yuan, or with 万: 163000 and 16.3万 are the same.",
    "Amounts in 10,000 yuan (万元).",
    "30 days",  # a filter of the follow-up list, not a rule
    "Up to 9, made smaller before sending",  # photos per visit: the product's limit
    "Print (A4)",  # the township's notice-board poster
    "For a monitoring risk or a match: the household's number, e.g. 371326105001-0007.",  # an example number
    "Follow-ups overdue or due within 7 days",  # what the visits tab lists (its filter), not a rule
    # The division codes' format (统计用区划代码), an example code, and the password policy (等保) again.
    "The 12-digit statistical division code (统计用区划代码) of the village.",
    "The 12-digit statistical division code (统计用区划代码), e.g. 371326105000.",
    "3 to 40 letters, digits, '_', '.' or '-'; used to log in, with the phone number.",
    "At least 8 characters, with three of: lower-case, upper-case, digits, symbols. The person must change it at the "
    "first login; it is never shown again.",
}


def template_sentences() -> set[str]:
    found = extract_from_dir(
        ROOT / "templates",
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_no_template_sentence_writes_a_number_of_the_rules() -> None:
    with_digits = {text for text in template_sentences() if re.search(r"\d", re.sub(r"%\(\w+\)s", "", text))}
    assert with_digits - NOT_POLICY == set(), "state the rule from data (server/policy) instead"
