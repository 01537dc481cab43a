"""The shell every page shares: security headers, error pages, health, PWA files, navigation per role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from server.piccolo_conf import DB
from server.web.assets import static_url
from tests.helpers import log_in, post_form


async def test_every_response_carries_the_security_headers(client: Any) -> None:
    for path in ("/login", "/static/css/app.css", "/healthz", "/no-such-page"):
        headers = (await client.get(path)).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path


async def test_pages_contain_no_inline_script(client: Any, make_user: Any) -> None:
    await make_user("admin", username="laoli")
    await log_in(client, "laoli")
    for path in ("/login", "/", "/me", "/admin/users"):
        html = (await client.get(path)).text
        assert "<script>" not in html, path
        assert "onclick=" not in html, path


async def test_health_check_reports_the_database(client: Any) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def database_down(db: Any) -> Iterator[None]:
    """Point the engine at a port where nothing listens, outside the test transaction."""
    saved_pool, saved_config = DB.pool, DB.config
    DB.pool, DB.config = None, {"dsn": "postgresql://postgres@127.0.0.1:1/gone", "timeout": 2}
    token = DB.current_transaction.set(None)
    try:
        yield
    finally:
        DB.current_transaction.reset(token)
        DB.pool, DB.config = saved_pool, saved_config


async def test_health_check_says_503_with_a_reason_when_the_database_is_gone(client: Any, database_down: None) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]


async def test_pages_say_in_chinese_that_the_database_is_unreachable(client: Any, database_down: None) -> None:
    client.cookies.set("bangfu_session", "some-token")
    response = await client.get("/")
    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.text
    assert "Traceback" not in response.text


async def test_unknown_address_shows_a_chinese_404_page(client: Any) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.text
    assert "Traceback" not in response.text


async def test_service_worker_is_served_from_the_root_with_hashed_shell(client: Any) -> None:
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["service-worker-allowed"] == "/"
    assert '"/offline"' in response.text
    assert "/static/css/app.css?v=" in response.text
    assert '/*VERSION*/"dev"' not in response.text


async def test_manifest_makes_the_app_installable(client: Any) -> None:
    home = await client.get("/login")
    manifest_url = home.text.split('rel="manifest" href="', 1)[1].split('"', 1)[0]
    response = await client.get(manifest_url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


async def test_static_files_are_cached_for_a_year(client: Any) -> None:
    response = await client.get(static_url("css/app.css"))
    assert "max-age=31536000" in response.headers["cache-control"]


async def test_a_version_of_a_static_file_this_host_does_not_have_is_not_cached(client: Any) -> None:
    """During a rolling update a page from a newer host may ask an older one for the new version of a file."""
    response = await client.get("/static/css/app.css?v=0123456789")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"


async def test_offline_page_needs_no_login(client: Any) -> None:
    response = await client.get("/offline")
    assert response.status_code == 200
    assert "没有网络" in response.text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("cadre", "我的帮扶户"),
        ("leader", "全镇概况"),
        ("admin", "全镇概况"),
        ("employer", "此账号尚未关联企业"),
    ],
)
async def test_each_role_lands_on_its_own_home(client: Any, make_user: Any, role: str, expected: str) -> None:
    await make_user(role, username=f"home_{role}")
    await log_in(client, f"home_{role}")
    response = await client.get("/")
    assert response.status_code == 200
    assert expected in response.text


async def test_only_admins_see_the_account_list(client: Any, make_user: Any) -> None:
    await make_user("leader", username="lingdao")
    await log_in(client, "lingdao")
    response = await client.get("/admin/users")
    assert response.status_code == 403
    assert "无权" in response.text


async def test_user_switches_the_screen_to_english(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="yingwen")
    await log_in(client, "yingwen")
    await post_form(client, "/me", "/me/locale", {"locale": "en"})
    assert "My households" in (await client.get("/")).text
    await post_form(client, "/me", "/me/locale", {"locale": "zh_CN"})
    assert "我的帮扶户" in (await client.get("/")).text


async def test_unsafe_htmx_request_needs_the_csrf_header(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="htmxuser")
    await log_in(client, "htmxuser")
    page = await client.get("/me")
    token = page.text.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    refused = await client.post("/me/locale", data={"locale": "en"}, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    accepted = await client.post(
        "/me/locale", data={"locale": "en"}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert accepted.status_code == 303
