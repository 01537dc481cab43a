"""Logging in and out: one message for every failure, lockout after five, sessions in the database."""

from __future__ import annotations

from typing import Any

from server.accounts.tables import User, WebSession
from server.audit.tables import AuditEvent
from tests.helpers import PASSWORD, csrf_token_of, log_in, post_form


async def test_login_page_speaks_chinese(client: Any) -> None:
    response = await client.get("/login")
    assert response.status_code == 200
    assert "登录" in response.text
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text


async def test_anonymous_visitor_is_sent_to_login(client: Any) -> None:
    response = await client.get("/me")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/me"


async def test_cadre_logs_in_with_username_and_sees_home(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="zhangsan")
    response = await log_in(client, "zhangsan")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "bangfu_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    home = await client.get("/")
    assert home.status_code == 200
    assert "我的帮扶户" in home.text


async def test_login_also_works_with_phone_number(client: Any, make_user: Any) -> None:
    await make_user("leader", phone="13800138000")
    response = await log_in(client, "13800138000")
    assert response.status_code == 303


async def test_wrong_password_and_unknown_user_get_the_same_message(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="lisi")
    wrong_password = await log_in(client, "lisi", "Wrong@12345")
    unknown_user = await log_in(client, "nobody", "Wrong@12345")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "用户名或密码错误" in wrong_password.text
    assert "用户名或密码错误" in unknown_user.text


async def test_sixth_attempt_after_five_failures_is_refused_with_the_unlock_time(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="wangwu")
    for _ in range(5):
        await log_in(client, "wangwu", "Wrong@12345")
    refused = await log_in(client, "wangwu", PASSWORD)
    assert refused.status_code == 401
    assert "已锁定" in refused.text
    assert await AuditEvent.exists().where(AuditEvent.action == "account_locked")
    user = await User.objects().where(User.username == "wangwu").first()
    assert user is not None
    assert user.locked_until is not None


async def test_every_attempt_is_in_the_audit_trail(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="zhaoliu")
    await log_in(client, "zhaoliu", "Wrong@12345")
    await log_in(client, "zhaoliu")
    actions = await AuditEvent.select(AuditEvent.action).where(AuditEvent.actor_label == "zhaoliu")
    assert [row["action"] for row in actions] == ["login_failed", "login"]


async def test_logout_ends_the_session_in_the_database(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="sunqi")
    await log_in(client, "sunqi")
    assert await WebSession.count() == 1
    response = await post_form(client, "/me", "/logout", {})
    assert response.status_code == 303
    assert await WebSession.count() == 0
    assert (await client.get("/me")).status_code == 303


async def test_disabling_a_user_ends_their_session_at_once(app: Any, client: Any, make_user: Any) -> None:
    cadre_id = await make_user("cadre", username="zhouba")
    await log_in(client, "zhouba")
    assert (await client.get("/")).status_code == 200
    await User.update({User.is_active: False}).where(User.id == cadre_id)
    assert (await client.get("/")).status_code == 303


async def test_a_session_idle_too_long_has_expired(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="wujiu")
    await log_in(client, "wujiu")
    await WebSession.raw("UPDATE web_session SET last_seen_at = now() - interval '2 hours'")
    assert (await client.get("/")).status_code == 303


async def test_login_form_without_csrf_token_is_refused(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="zhengshi")
    await client.get("/login")
    response = await client.post("/login", data={"username": "zhengshi", "password": PASSWORD})
    assert response.status_code == 403
    assert "403" in response.text


async def test_login_never_redirects_to_another_site(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="qianyi")
    form_page = await client.get("/login?next=//evil.example/")
    response = await client.post(
        "/login",
        data={
            "username": "qianyi",
            "password": PASSWORD,
            "next": "//evil.example/",
            "_csrf_token": csrf_token_of(form_page.text),
        },
    )
    assert response.headers["location"] == "/"
