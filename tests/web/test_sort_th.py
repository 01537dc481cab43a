"""The lists' sortable column headers (server.web.listing.sort_th): the link each asks for, and every value escaped."""

from __future__ import annotations

from markupsafe import Markup

from server.web.listing import sort_th


def test_a_header_asks_for_its_order_and_then_the_reverse_keeping_the_filters() -> None:
    params = {"q": "张 王", "village": "", "sort": "code"}
    other = str(sort_th(Markup("村"), "village", "code", "/households", params))
    assert other == (
        '<th scope="col"><a class="sort"'
        ' href="/households?q=%E5%BC%A0+%E7%8E%8B&amp;village=&amp;sort=village&amp;page=1">村</a></th>'
    )
    ascending = str(sort_th("Number", "code", "code", "/households", params, "num"))
    assert ascending.startswith('<th scope="col" class="num" aria-sort="ascending">')
    assert "sort=-code&amp;page=1" in ascending
    descending = str(sort_th("Number", "code", "-code", "/households", params))
    assert 'aria-sort="descending"' in descending
    assert "sort=code&amp;page=1" in descending


def test_every_value_of_a_header_is_escaped() -> None:
    hostile = '<b x="1">&\'</b>'
    header = str(sort_th(hostile, "x", "", "/a?b=<", {"q": hostile}, hostile))
    assert "<b" not in header
    assert 'class="&lt;b x=&#34;1&#34;&gt;&amp;&#39;&lt;/b&gt;"' in header
    assert ">&lt;b x=&#34;1&#34;&gt;&amp;&#39;&lt;/b&gt;</a>" in header
    assert 'href="/a?b=&lt;?q=%3Cb+x%3D%221%22%3E%26%27%3C%2Fb%3E&amp;sort=x&amp;page=1"' in header
