"""Every string on screen has a Chinese translation, and the catalogs are up to date with the code."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po
from markupsafe import Markup

from server.i18n import current_locale
from server.settings import ROOT
from server.web.templating import build_environment, environment_for, filled


def extract_messages(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "_",
         "-k", "gettext", "-k", "ngettext:1,2", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as file:
        return {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(file) if message.id}


def test_every_message_in_the_code_has_a_chinese_translation(tmp_path: Path) -> None:
    with (ROOT / "server/locale/zh_CN/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file, locale="zh_CN")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and (m.string if isinstance(m.string, str) else all(m.string)) and not m.fuzzy
    }
    untranslated = sorted(extract_messages(tmp_path) - translated)
    assert untranslated == [], "run `make messages` and translate: " + "; ".join(untranslated[:20])


def test_every_message_in_the_catalogs_is_still_found_in_the_code(tmp_path: Path) -> None:
    """`make messages` drops what extraction no longer finds: a message moved into an f-string (`_(f"...")`, which
    extraction cannot read) would lose its translation at the next run and show in English."""
    extracted = extract_messages(tmp_path)
    for language in ("zh_CN", "en"):
        with (ROOT / f"server/locale/{language}/LC_MESSAGES/messages.po").open("rb") as file:
            kept = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(file) if m.id}
        assert sorted(kept - extracted) == [], f"{language}: translated, but no longer found in the code"


def test_placeholders_survive_translation() -> None:
    with (ROOT / "server/locale/zh_CN/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file, locale="zh_CN")
    for message in catalog:
        if message.id and isinstance(message.id, str) and "%(" in message.id:
            for name in message.id.split("%(")[1:]:
                placeholder = "%(" + name.split(")")[0] + ")"
                assert placeholder in message.string, message.id


def test_templates_translate_escape_and_format_as_jinja2_does() -> None:
    template = build_environment().from_string(
        '{{ _("Progress (%%)") }}|{{ _("Progress %(p)s%%", p=40) }}|{{ _("Hello %(name)s", name=who) }}|'
        "{% trans %}Households{% endtrans %}"
    )
    token = current_locale.set("en")
    try:
        assert template.render(who="<b>") == "Progress (%)|Progress 40%|Hello &lt;b&gt;|Households"
    finally:
        current_locale.reset(token)


def test_a_filled_message_escapes_its_values_as_markup_formatting_does() -> None:
    values = {"n": 3, "share": 12.5, "amount": Decimal("1.50"), "who": "<b>&", "kept": Markup("<i>x</i>"),
              "yes": True, "none": None, "list": ["<a>"]}  # fmt: skip
    text = "%(n)d户 %(share).1f%% %(amount)s元 %(who)s %(kept)s %(yes)s %(yes)d %(none)s %(list)s"
    assert filled(text, values) == Markup(text) % values
    assert filled(text, values) == "3户 12.5% 1.50元 &lt;b&gt;&amp; <i>x</i> True 1 None [&#39;&lt;a&gt;&#39;]"


def test_templates_read_a_rows_keys_and_a_dicts_methods_alike() -> None:
    source = "{{ row.code }}|{{ row.items()|list|length }}|{{ row.missing is defined }}"
    template = build_environment().from_string(source)
    assert template.render(row={"code": "3713", "items": "not the method"}) == "3713|2|False"


def test_templates_read_attributes_first_then_items_as_jinja2_does() -> None:
    @dataclass(frozen=True)
    class Row:
        code: str

    class Keyed:  # a mapping that is not a dict (e.g. a database record): read by key
        def __getitem__(self, key: str) -> str:
            if key != "code":
                raise KeyError(key)
            return "by key"

    template = build_environment().from_string("{{ row.code }}|{{ row.missing is defined }}")
    assert template.render(row=Row("3713")) == "3713|False"
    assert template.render(row=Keyed()) == "by key|False"
    assert build_environment().from_string("{{ n.real }}|{{ n.code is defined }}").render(n=7) == "7|False"


def test_a_languages_templates_show_literal_messages_as_the_runtime_translation_does() -> None:
    source = (
        '<td data-label="{{ _("Village") }}">{{ _("Progress (%%)") }}|{{ _("Hello %(name)s", name=who) }}|'
        '{{ _("Tick %(name)s", name=row.head or row.code) }}|{{ _("Progress %(p)s%%", p=[4, 0]|join) }}|'
        '{% set label = _("Head of household") %}{{ label }}|{{ [_("People"), who]|join(",") }}|{{ _(who) }}</td>'
    )
    base = build_environment()
    for locale in ("zh_CN", "en"):
        token = current_locale.set(locale)
        try:
            row = {"head": "", "code": "<i>"}
            compiled = environment_for(base, locale).from_string(source).render(who="<b>", row=row)
            assert compiled == base.from_string(source).render(who="<b>", row=row)
        finally:
            current_locale.reset(token)
    assert "村" in environment_for(base, "zh_CN").from_string(source).render(who="", row={"head": "张三"})


def test_an_inline_if_without_an_else_renders_nothing_when_false_without_an_undefined() -> None:
    environment = build_environment()
    source = "<a{{ ' hidden' if off }} class='x{{ ' on' if on }}'>{{ (' ' if off) ~ 'y' }}</a>"
    assert environment.from_string(source).render(off=False, on=True) == "<a class='x on'>y</a>"
    assert "cond_expr_undefined(" not in environment.compile(source, raw=True)


def test_templates_read_the_environments_globals_and_their_own_over_them() -> None:
    environment = environment_for(build_environment(), "en")
    template = environment.from_string("{{ later }}|{{ rate_bar is defined }}")
    environment.globals["later"] = "set after loading"  # the navigation's icons are set so
    assert template.render() == "set after loading|True"
    assert template.globals is environment.globals  # no ChainMap copied key by key at each render
    own = environment.from_string("{{ later }}", globals={"later": "its own"})
    assert own.render() == "its own"
    assert template.render() == "set after loading|True"  # its own globals did not reach the environment's
