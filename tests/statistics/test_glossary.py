"""One vocabulary: the glossary page lists the terms, and the pages use the same words."""

from __future__ import annotations

from typing import Any

import httpx
from babel.messages.pofile import read_po

from server.i18n import current_locale, gettext
from server.settings import ROOT
from tests.helpers import log_in


async def test_the_glossary_lists_the_terms_every_level_uses(client: httpx.AsyncClient, make_user: Any) -> None:
    await make_user("leader", username="words_leader")
    await log_in(client, "words_leader")
    page = await client.get("/glossary")
    assert page.status_code == 200
    for term in ("帮扶任务数", "超过本乡镇预警天数未走访", "返贫率", "贫困发生率", "报县名单", "超时限"):
        assert term in page.text, term


def test_the_same_thing_has_one_name_in_chinese() -> None:
    with (ROOT / "server/locale/zh_CN/LC_MESSAGES/messages.po").open("rb") as po:
        translations = [message.string for message in read_po(po) if message.id]
    assert not [text for text in translations if "定额" in str(text)], "a quota is 帮扶任务数 on every page"
    token = current_locale.set("zh_CN")
    try:
        unvisited = {gettext("Not visited in %(n)s days", n=60), gettext("Not visited in the last %(n)s days", n=60)}
        assert unvisited == {"超过 60 天未走访"}, "one name for households not visited"
    finally:
        current_locale.reset(token)
