"""The township admin manages accounts: disabling ends the person's sessions; other townships are out of reach."""

from __future__ import annotations

from typing import Any

import httpx

from server.accounts.passwords import password_problem
from server.accounts.queries import create_user
from server.accounts.roles import Role
from server.audit.tables import AuditEvent
from server.places.tables import Township
from tests.helpers import log_in, post_form


async def test_admin_disables_a_cadre_who_is_logged_out_at_once(app: Any, client: Any, make_user: Any) -> None:
    cadre_id = await make_user("cadre", username="leaving", display_name="李离任")
    await make_user("admin", username="office")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as phone:
        await log_in(phone, "leaving")
        assert (await phone.get("/")).status_code == 200

        await log_in(client, "office")
        listing = await client.get("/admin/users?q=李离任")
        assert "李离任" in listing.text
        page = f"/admin/users/{cadre_id}"
        response = await post_form(client, page, f"{page}/active", {"active": "0"})
        assert response.status_code == 303
        assert "账号已停用" in (await client.get(page)).text

        assert (await phone.get("/")).status_code == 303
    assert await AuditEvent.exists().where(AuditEvent.action == "user_disabled")


async def test_admin_cannot_touch_an_account_of_another_township(client: Any, make_user: Any, township: Any) -> None:
    other = Township(county=township["county"], name="保太镇", code="371326106000")
    await other.save()
    stranger = await create_user(
        username="stranger", password_hash="x", display_name="外镇", role=Role.CADRE, township_id=other.id
    )
    await make_user("admin", username="office2")
    await log_in(client, "office2")
    response = await post_form(client, "/admin/users/new", f"/admin/users/{stranger}/active", {"active": "0"})
    assert response.status_code == 404


async def test_password_change_is_checked_against_the_policy(client: Any, make_user: Any) -> None:
    await make_user("cadre", username="changer")
    await log_in(client, "changer")
    weak = await post_form(
        client,
        "/me",
        "/me/password",
        {"current_password": "Bangfu@2026", "new_password": "password", "confirm_password": "password"},
    )
    assert weak.status_code == 422
    assert "密码至少" in weak.text or "三种" in weak.text


def test_password_policy_follows_the_level_two_baseline() -> None:
    assert password_problem("Ab1!") is not None  # too short
    assert password_problem("abcdefgh1") is not None  # two classes
    assert password_problem("P@ssw0rd") is not None  # common
    assert password_problem("Zhang@2026x", username="zhang") is not None  # contains the username
    assert password_problem("Linjian#Hills9") is None


HTMX = {"HX-Request": "true"}


async def test_admin_narrows_the_accounts_to_a_role_and_a_village(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office", display_name="镇办")
    await make_user("leader", username="chief", display_name="王书记")
    await make_user("cadre", username="resident", display_name="李驻村", village_id=township["village"])
    await make_user("cadre", username="townhall", display_name="赵机关")
    await log_in(client, "office")

    everyone = (await client.get("/admin/users")).text
    assert all(name in everyone for name in ("镇办", "王书记", "李驻村", "赵机关"))
    assert "共 4 个账号" in everyone
    cadres = (await client.get("/admin/users?role=cadre")).text
    assert [name in cadres for name in ("李驻村", "赵机关", "王书记")] == [True, True, False]
    assert "共 2 个账号" in cadres
    in_village = await client.get(f"/admin/users?role=cadre&place={township['village']}", headers=HTMX)
    assert [name in in_village.text for name in ("李驻村", "赵机关", "<html")] == [True, False, False]
    unknown_role = (await client.get("/admin/users?role=county")).text  # not a role this office keeps: no filter
    assert "共 4 个账号" in unknown_role


async def test_the_county_office_narrows_its_accounts_to_a_township(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    [other] = await Township.insert(Township(county=township["county"], name="保太镇", code="371326103000"))
    await make_user("county", username="xian", township_id=None, county_id=township["county"], display_name="县办")
    await make_user("admin", username="here", display_name="临涧镇办")
    await make_user("admin", username="there", township_id=other["id"], display_name="保太镇办")
    await log_in(client, "xian")

    listing = (await client.get(f"/county/users?place={other['id']}")).text
    assert [name in listing for name in ("保太镇办", "临涧镇办", "县办")] == [True, False, False]
