"""Offices keep their people's accounts in the browser: a township admin the township's, the county office its
township admins and its own staff. Temporary passwords must be changed at the next login and are never shown."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest

from server.accounts.passwords import verify_password
from server.accounts.queries import create_user
from server.accounts.roles import Role
from server.accounts.tables import User, WebSession
from server.audit.tables import AuditEvent
from server.households.tables import Household
from server.pairing.tables import Pairing
from server.places.tables import County, Township
from tests.helpers import log_in, post_form

TEMPORARY = "Linshi#2026a"
NEW_CADRE = {
    "username": "wangfang",
    "display_name": "王芳",
    "role": "cadre",
    "title": "第一书记",
    "unit": "县农业农村局",
    "phone": "13905391234",
    "password": TEMPORARY,
}


async def create_as(client: httpx.AsyncClient, base: str, **fields: str) -> httpx.Response:
    return await post_form(client, f"{base}/new", base, {**NEW_CADRE, **fields})


async def test_admin_creates_a_first_secretary_who_must_choose_a_password_at_the_first_login(
    app: Any, client: httpx.AsyncClient, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    created = await create_as(client, "/admin/users", village=str(township["village"]))
    assert created.status_code == 303
    listing = await client.get("/admin/users")
    assert "王芳" in listing.text
    assert "第一书记" in listing.text
    assert "县农业农村局" in listing.text
    assert TEMPORARY not in listing.text
    row = await User.select().where(User.username == "wangfang").first()
    assert row["must_change_password"]
    assert row["village"] == township["village"]
    assert row["township"] == township["township"]
    assert row["password_hash"] != TEMPORARY
    audit = await AuditEvent.select().where(AuditEvent.action == "user_created").first()
    assert TEMPORARY not in str(audit["detail"])

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as phone:
        await log_in(phone, "wangfang", TEMPORARY)
        home = await phone.get("/households")
        assert home.status_code == 303
        assert home.headers["location"] == "/me/password"
        form = await phone.get("/me/password")
        assert "请先设置您自己的密码" in form.text or "管理员" in form.text
        changed = await post_form(
            phone,
            "/me/password",
            "/me/password",
            {"current_password": TEMPORARY, "new_password": "Ziji@2026b", "confirm_password": "Ziji@2026b"},
        )
        assert changed.status_code == 303
        assert (await phone.get("/households")).status_code == 200
    assert await AuditEvent.exists().where(AuditEvent.action == "password_changed")
    row = await User.select().where(User.username == "wangfang").first()
    assert not row["must_change_password"]
    assert verify_password(row["password_hash"], "Ziji@2026b")


async def test_a_weak_temporary_password_or_a_taken_username_writes_nothing(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    await make_user("admin", username="office")
    await make_user("cadre", username="taken", phone="13905390000")
    await log_in(client, "office")
    weak = await create_as(client, "/admin/users", password="12345678")
    assert weak.status_code == 422
    assert "至少" in weak.text or "三种" in weak.text
    taken = await create_as(client, "/admin/users", username="taken")
    assert taken.status_code == 422
    assert "用户名已被使用" in taken.text
    phone_taken = await create_as(client, "/admin/users", phone="13905390000")
    assert phone_taken.status_code == 422
    assert "手机号" in phone_taken.text
    bad_phone = await create_as(client, "/admin/users", phone="12345")
    assert bad_phone.status_code == 422
    assert "11 位手机号" in bad_phone.text
    assert TEMPORARY not in taken.text
    assert not await User.exists().where(User.username == "wangfang")
    assert not await AuditEvent.exists().where(AuditEvent.action == "user_created")


async def test_admin_edits_an_account_and_the_change_is_audited(client: httpx.AsyncClient, make_user: Any) -> None:
    await make_user("admin", username="office")
    cadre = await make_user("cadre", username="zhao", display_name="赵明")
    await log_in(client, "office")
    page = f"/admin/users/{cadre}"
    saved = await post_form(client, page, page, {"display_name": "赵明", "role": "leader", "title": "乡镇领导"})
    assert saved.status_code == 303
    row = await User.select(User.role, User.title).where(User.id == cadre).first()
    assert row == {"role": "leader", "title": "乡镇领导"}
    event = await AuditEvent.select().where(AuditEvent.action == "user_changed").first()
    assert json.loads(event["detail"])["changes"]["role"] == ["cadre", "leader"]


async def test_a_reset_password_is_temporary_and_ends_the_persons_sessions(
    app: Any, client: httpx.AsyncClient, make_user: Any
) -> None:
    await make_user("admin", username="office")
    cadre = await make_user("cadre", username="forgot")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as phone:
        await log_in(phone, "forgot")
        await log_in(client, "office")
        page = f"/admin/users/{cadre}"
        weak = await post_form(client, page, f"{page}/password", {"password": "forgot123"})
        assert weak.status_code == 422
        assert not await AuditEvent.exists().where(AuditEvent.action == "password_reset")
        reset = await post_form(client, page, f"{page}/password", {"password": TEMPORARY})
        assert reset.status_code == 303
        assert "临时密码" in (await client.get(page)).text
        assert not await WebSession.exists().where(WebSession.user == cadre)
        assert (await phone.get("/")).status_code == 303
        await log_in(phone, "forgot", TEMPORARY)
        assert (await phone.get("/")).headers["location"] == "/me/password"
    assert await AuditEvent.exists().where(AuditEvent.action == "password_reset")


async def test_a_cadre_still_responsible_for_households_is_handed_over_before_being_disabled(
    client: httpx.AsyncClient, make_user: Any, township: dict[str, int]
) -> None:
    admin = await make_user("admin", username="office")
    cadre = await make_user("cadre", username="leaving")
    [household] = await Household.insert(Household(code="371326105001-0001", village=township["village"]))
    await Pairing.insert(Pairing(household=household["id"], cadre=cadre, started_on=date(2026, 1, 5), created_by=admin))
    await log_in(client, "office")
    page = f"/admin/users/{cadre}"
    refused = await post_form(client, page, f"{page}/active", {"active": "0"})
    assert refused.status_code == 303
    assert refused.headers["location"] == f"/pairings/cadres/{cadre}"
    assert "先移交" in (await client.get(refused.headers["location"])).text
    assert await User.exists().where((User.id == cadre) & (User.is_active == True))  # noqa: E712


async def test_county_office_keeps_its_township_admins_and_nobody_elses(
    client: httpx.AsyncClient, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("county", username="xian", township_id=None, county_id=township["county"])
    await make_user("cadre", username="somecadre")
    [fei] = await County.insert(County(name="费县", code="371325000000"))
    [far] = await Township.insert(Township(county=fei["id"], name="费城镇", code="371325100000"))
    stranger = await create_user(
        username="farAdmin", password_hash="x", display_name="外县", role=Role.ADMIN, township_id=far["id"]
    )
    await log_in(client, "xian")
    created = await create_as(
        client, "/county/users", username="lj_admin", role="admin", township=str(township["township"])
    )
    assert created.status_code == 303
    row = await User.select().where(User.username == "lj_admin").first()
    assert row["role"] == "admin"
    assert row["township"] == township["township"]
    assert row["county"] is None
    listing = await client.get("/county/users")
    assert "lj_admin" in listing.text
    assert "somecadre" not in listing.text
    assert "farAdmin" not in listing.text
    no_township = await create_as(client, "/county/users", username="lj_admin2", role="admin")
    assert no_township.status_code == 422
    far_township = await create_as(client, "/county/users", username="x3", role="admin", township=str(far["id"]))
    assert far_township.status_code == 422
    assert (await client.get(f"/county/users/{stranger}")).status_code == 404
    cadre_id = (await User.select(User.id).where(User.username == "somecadre").first())["id"]
    assert (await client.get(f"/county/users/{cadre_id}")).status_code == 404
    assert (await client.get("/admin/users")).status_code == 403


async def test_a_township_admin_cannot_give_the_county_role(client: httpx.AsyncClient, make_user: Any) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    refused = await create_as(client, "/admin/users", role="county")
    assert refused.status_code == 422
    assert (await client.get("/county/users")).status_code == 403


async def test_the_database_gives_a_disabled_account_no_new_pairing(make_user: Any, township: dict[str, int]) -> None:
    admin = await make_user("admin", username="office")
    gone = await make_user("cadre", username="gone")
    await User.update({User.is_active: False}).where(User.id == gone)
    [household] = await Household.insert(Household(code="371326105001-0002", village=township["village"]))
    with pytest.raises(asyncpg.CheckViolationError, match="disabled"):
        await Pairing.insert(
            Pairing(household=household["id"], cadre=gone, started_on=date(2026, 1, 5), created_by=admin)
        )


async def test_county_office_resets_and_disables_a_township_admin(
    client: httpx.AsyncClient, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("county", username="xian", township_id=None, county_id=township["county"])
    admin = await make_user("admin", username="office")
    await log_in(client, "xian")
    page = f"/county/users/{admin}"
    assert (await post_form(client, page, f"{page}/password", {"password": TEMPORARY})).status_code == 303
    assert (await User.select(User.must_change_password).where(User.id == admin).first())["must_change_password"]
    assert (await post_form(client, page, f"{page}/active", {"active": "0"})).status_code == 303
    assert not (await User.select(User.is_active).where(User.id == admin).first())["is_active"]
    assert await AuditEvent.exists().where(AuditEvent.action == "user_disabled")
