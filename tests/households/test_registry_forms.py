"""The admin keeps the register: every bad input is refused next to its field, nothing half written, all audited."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from server.audit.tables import AuditEvent
from server.households import id_numbers
from server.households.tables import Household, Member
from tests.helpers import log_in, post_form
from tests.households.conftest import new_id

HOUSEHOLD = {
    "code": "H-0100",
    "attribute": "general",
    "status": "not_out",
    "main_cause": "illness",
    "income_year": "2025",
    "wage_income": "3000",
    "safe_water": "1",
    "head_name": "孙大明",
}


def with_wrong_check_digit(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


async def admin(client: Any, make_user: Any) -> None:
    await make_user("admin", username="office", display_name="张建华")
    await log_in(client, "office")


async def test_admin_registers_a_household_with_its_head(client: Any, make_user: Any, register: Any) -> None:
    await admin(client, make_user)
    number = new_id()
    data = {**HOUSEHOLD, "village": str(register["village"]), "head_id_number": number}
    answer = await post_form(client, "/households/new", "/households/new", data)
    assert answer.status_code == 303
    household = await Household.select().where(Household.code == "H-0100").first()
    head = await Member.select().where(Member.household == household["id"]).first()
    assert head["name"] == "孙大明"
    assert head["relation"] == "head"
    assert head["initials"] == "sdm"
    page = await client.get(answer.headers["location"])
    assert "孙大明户" in page.text
    assert "登记建档" in page.text


async def test_a_bad_check_digit_is_refused_next_to_the_field(client: Any, make_user: Any, register: Any) -> None:
    await admin(client, make_user)
    data = {**HOUSEHOLD, "village": str(register["village"]), "head_id_number": with_wrong_check_digit(new_id())}
    answer = await post_form(client, "/households/new", "/households/new", data)
    assert answer.status_code == 422
    assert 'id="e-head_id_number">身份证号码校验位不正确' in answer.text.replace("\n", "")
    assert not await Household.exists().where(Household.code == "H-0100")


async def test_an_impossible_birth_date_is_refused(client: Any, make_user: Any, register: Any) -> None:
    await admin(client, make_user)
    first17 = "37132619870230123"  # 30 February
    number = first17 + id_numbers.check_digit(first17)
    member = register["zhang"]["members"][1]
    answer = await post_form(
        client,
        f"/members/{member['id']}/edit",
        f"/members/{member['id']}/edit",
        {
            "name": "王芳",
            "id_number": number,
            "relation": "spouse",
            "schooling": "none",
            "health": "healthy",
            "labour_skill": "normal",
        },
    )
    assert answer.status_code == 422
    assert "身份证号码中的出生日期不存在" in answer.text
    assert number not in answer.text or 'value="' + number in answer.text


async def test_a_negative_income_is_refused_and_nothing_is_written(client: Any, make_user: Any, register: Any) -> None:
    await admin(client, make_user)
    household = register["zhang"]
    url = f"/households/{household['id']}/edit"
    data = {
        **HOUSEHOLD,
        "code": "H-0001",
        "village": str(register["village"]),
        "wage_income": "-5",
        "address": "新地址",
    }
    answer = await post_form(client, url, url, data)
    assert answer.status_code == 422
    assert "不能为负数" in answer.text
    row = await Household.select(Household.address).where(Household.id == household["id"]).first()
    assert row["address"] == ""


async def test_a_phone_number_too_short_says_what_a_phone_number_looks_like(
    client: Any, make_user: Any, register: Any
) -> None:
    """ "12345" is all digits: the message said "digits only", which it is; what is wrong is its length."""
    await admin(client, make_user)
    household = register["zhang"]
    url = f"/households/{household['id']}/edit"
    data = {**HOUSEHOLD, "code": "H-0001", "village": str(register["village"]), "phone": "12345"}
    answer = await post_form(client, url, url, data)
    assert answer.status_code == 422
    assert "请输入 11 位手机号，或带区号的固定电话（如 0539-4521234）" in answer.text
    assert (await Household.select(Household.phone).where(Household.id == household["id"]).first())["phone"] != "12345"


async def test_a_duplicate_id_number_names_the_household_that_has_it_masked(
    client: Any, make_user: Any, register: Any
) -> None:
    await admin(client, make_user)
    taken = register["zhang"]["members"][0]["id_number"]
    url = f"/households/{register['li']['id']}/members/new"
    data = {
        "name": "李小",
        "id_number": taken,
        "relation": "son",
        "schooling": "none",
        "health": "healthy",
        "labour_skill": "normal",
    }
    answer = await post_form(client, url, url, data)
    assert answer.status_code == 422
    assert "该身份证号已登记在户 H-0001（户主：张*）" in answer.text
    assert await Member.count().where(Member.household == register["li"]["id"]) == 1


async def test_a_second_head_is_refused(client: Any, make_user: Any, register: Any) -> None:
    await admin(client, make_user)
    url = f"/households/{register['zhang']['id']}/members/new"
    data = {
        "name": "张小",
        "id_number": new_id(date(2000, 1, 1)),
        "relation": "head",
        "schooling": "none",
        "health": "healthy",
        "labour_skill": "normal",
    }
    answer = await post_form(client, url, url, data)
    assert answer.status_code == 422
    assert "本户已有户主：张三" in answer.text
    assert await Member.count().where((Member.household == register["zhang"]["id"]) & (Member.relation == "head")) == 1


async def test_making_another_member_the_head_changes_the_former_head_in_one_step(
    client: Any, make_user: Any, register: Any
) -> None:
    await admin(client, make_user)
    spouse = register["zhang"]["members"][1]
    url = f"/members/{spouse['id']}/edit"
    data = {
        "name": "王芳",
        "id_number": "",
        "relation": "head",
        "former_head_relation": "spouse",
        "schooling": "none",
        "health": "healthy",
        "labour_skill": "normal",
    }
    answer = await post_form(client, url, url, data)
    assert answer.status_code == 303
    relations = {
        row["name"]: row["relation"] for row in await Member.select().where(Member.household == register["zhang"]["id"])
    }
    assert relations == {"张三": "spouse", "王芳": "head"}


async def test_the_head_cannot_be_removed(client: Any, make_user: Any, register: Any) -> None:
    await admin(client, make_user)
    head = register["zhang"]["members"][0]
    answer = await post_form(client, f"/members/{head['id']}/edit", f"/members/{head['id']}/remove", {})
    assert answer.status_code == 303
    assert await Member.exists().where(Member.id == head["id"])
    page = await client.get(f"/households/{register['zhang']['id']}")
    assert "户主不能删除" in page.text


async def test_every_change_is_in_the_history_with_old_and_new_values_and_id_numbers_masked(
    client: Any, make_user: Any, register: Any
) -> None:
    await admin(client, make_user)
    spouse = register["zhang"]["members"][1]
    new_number = new_id(date(1975, 3, 1), "F")
    url = f"/members/{spouse['id']}/edit"
    data = {
        "name": "王芳芳",
        "id_number": new_number,
        "relation": "spouse",
        "schooling": "none",
        "health": "chronic",
        "labour_skill": "weak",
    }
    assert (await post_form(client, url, url, data)).status_code == 303
    url = f"/households/{register['li']['id']}/members/new"
    child = {
        "name": "李小",
        "id_number": new_id(date(2012, 6, 1)),
        "relation": "son",
        "schooling": "primary",
        "health": "healthy",
        "labour_skill": "none",
    }
    assert (await post_form(client, url, url, child)).status_code == 303
    child_id = (await Member.select(Member.id).where(Member.name == "李小").first())["id"]
    await post_form(client, f"/members/{child_id}/edit", f"/members/{child_id}/remove", {})

    event = await AuditEvent.select().where(AuditEvent.action == "member_changed").first()
    detail = event["detail"] if isinstance(event["detail"], dict) else json.loads(event["detail"])
    assert event["target_type"] == "household"
    assert event["target_id"] == str(register["zhang"]["id"])
    assert detail["changes"]["name"] == ["王芳", "王芳芳"]
    assert detail["changes"]["health"] == ["healthy", "chronic"]
    assert new_number not in json.dumps(detail)
    html = (await client.get(f"/households/{register['zhang']['id']}")).text
    assert "修改成员" in html
    assert "张建华" in html
    assert "健康状况: 健康 → 长期慢性病" in html
    assert "王芳 → 王芳芳" in html
    assert new_number not in html
    assert spouse["id_number"] not in html
    li_page = (await client.get(f"/households/{register['li']['id']}")).text
    assert "添加成员: 李小" in li_page
    assert "删除成员: 李小" in li_page


async def test_a_household_change_is_recorded_field_by_field(client: Any, make_user: Any, register: Any) -> None:
    await admin(client, make_user)
    url = f"/households/{register['li']['id']}/edit"
    data = {
        **HOUSEHOLD,
        "code": "H-0002",
        "village": str(register["village"]),
        "status": "out_supported",
        "group": str(register["group"]),
    }
    assert (await post_form(client, url, url, data)).status_code == 303
    html = (await client.get(f"/households/{register['li']['id']}")).text
    assert "村民小组: — → 一组" in html
    assert "脱贫标志: 未脱贫 →" not in html  # the status changes through the exit procedure, never by hand


async def test_a_leader_cannot_open_the_admin_forms(client: Any, make_user: Any, register: Any) -> None:
    await make_user("leader", username="boss")
    await log_in(client, "boss")
    assert (await client.get("/households/new")).status_code == 403
    assert (await client.get(f"/households/{register['zhang']['id']}/edit")).status_code == 403
