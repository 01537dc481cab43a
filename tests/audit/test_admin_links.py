"""The partial the lead includes on the admin's home or Me page links to projects, the funding summary and audit."""

from __future__ import annotations

from server.web.templating import build_environment


def test_the_admin_links_partial_renders_the_three_links() -> None:
    html = build_environment().get_template("audit/_admin_links.html").render()
    assert 'href="/projects"' in html
    assert 'href="/projects/funding"' in html
    assert 'href="/audit"' in html
