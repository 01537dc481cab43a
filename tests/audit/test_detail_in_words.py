"""The admin reads every event's detail in words (zh_CN): each field by its label, a code by its code list's label,
yes or no, what an id names by its name, a list of records summed up; ID numbers stay masked until revealed, and a
field no area names is shown as it is stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from server.audit.display import field_label, shown
from server.audit.export import build_workbook
from server.households.tables import Member
from tests.audit.conftest import add_event
from tests.helpers import csrf_token_of, log_in

FULL_ID = "371326198005011234"


def event(action: str, detail: dict[str, Any], target_type: str = "household") -> dict[str, Any]:
    return {
        "id": 1,
        "at": datetime(2026, 12, 1, tzinfo=UTC),
        "action": action,
        "actor_label": "office",
        "actor_name": "",
        "actor_username": "office",
        "target_type": target_type,
        "target_id": "7",
        "ip": "",
        "detail": json.dumps(detail, ensure_ascii=False),
    }


def facts(action: str, detail: dict[str, Any], **kwargs: Any) -> list[tuple[str, str]]:
    return [(fact.name, fact.value) for fact in shown(event(action, detail, **kwargs)).facts]


def changes(action: str, detail: dict[str, Any]) -> list[tuple[str, str, str]]:
    return shown(event(action, detail)).changes


def test_a_verification_call_reads_its_outcome_by_its_label() -> None:
    assert facts("verification_call_recorded", {"outcome": "confirmed", "note_characters": 0}) == [
        ("回访结果", "接通：确认走访属实"),
        ("备注字数", "0"),
    ]


def test_a_public_report_names_its_kind_its_difficulty_and_the_risk_case_it_opened() -> None:
    detail = {"card": 6, "kind": "difficulty", "category": "illness", "risk_case": 48, "characters": 25}
    assert facts("public_report_received", detail, target_type="public_report") == [
        ("反映类型", "农户申报困难"),
        ("困难类型", "生病"),
        ("已建风险案例编号", "48"),
        ("帮扶联系卡编号", "6"),
        ("反映内容字数", "25"),
    ]


def test_an_identification_step_names_the_application_state_first_and_its_fields_in_words() -> None:
    detail = {
        "application": 1,
        "changes": {
            "survey_team": [[], ["张建华", "李红梅"]],
            "survey_eligible": [None, True],
            "survey_findings": ["", "房屋老旧"],
            "identification_state": ["applied", "surveyed"],
        },
    }
    assert changes("identification_survey", detail) == [
        ("申请状态", "已申请", "已入户调查"),
        ("入户调查组成员", "—", "张建华、李红梅"),
        ("调查情况", "—", "房屋老旧"),
        ("调查认定符合条件", "—", "是"),
    ]
    assert facts("identification_survey", detail) == [("识别申请编号", "1")]


def test_a_finding_names_its_spot_check_deadline_and_photos_and_links_the_household() -> None:
    row = event("finding_recorded", {"spot_check": 1, "household": 89, "responsible": 30, "deadline": "2026-12-15",
                                     "photos": 1}, target_type="finding")  # fmt: skip
    shown_event = shown(row)
    assert [fact.name for fact in shown_event.facts] == ["抽查编号", "农户", "整改责任人", "整改期限", "照片"]
    assert [fact.link for fact in shown_event.facts if fact.link] == ["/households/89"]


def test_a_rectification_answered_late_reads_yes() -> None:
    assert facts("rectification_answered", {"rectification": 2, "photos": 0, "late": True}) == [
        ("照片", "0"),
        ("整改回复编号", "2"),
        ("逾期答复", "是"),
    ]


def test_the_countys_decision_is_summed_up_instead_of_shown_as_its_records() -> None:
    detail = {
        "kind": "identification",
        "township": 1,
        "on": "2026-12-07",
        "document": "平扶贫发〔2026〕12号",
        "list": [
            {"household": 344, "village_name": "曹家庄村", "head_name": "包晶", "head_id_masked": "371326********0126"},
            {"household": 345, "village_name": "双河村", "head_name": "乔春杨", "head_id_masked": "371326********0213"},
        ],
        "decisions": [
            {"household": 344, "subject": 1, "approved": True, "reason": ""},
            {"household": 345, "subject": 2, "approved": False, "reason": "收入超过识别标准"},
        ],
    }
    shown_event = shown(event("county_decided", detail, target_type="county_submission"))
    by_name = {fact.name: fact for fact in shown_event.facts}
    assert by_name["名单类型"].value == "识别：县级审批"
    assert by_name["县级审批意见"].value == "同意 1 户，退回 1 户"
    assert by_name["县级审批意见"].lines[1] == "农户 345: 退回乡镇（收入超过识别标准）"
    assert by_name["报送名单"].value == "2 户"
    assert by_name["报送名单"].lines == ("曹家庄村 包晶 371326********0126", "双河村 乔春杨 371326********0213")
    assert not any("{" in fact.value for fact in shown_event.facts)


def test_an_id_number_in_a_summed_up_list_stays_masked_until_revealed() -> None:
    detail = {"list": [{"village_name": "双河村", "head_name": "乔春杨", "head_id_masked": FULL_ID}]}
    row = event("county_decided", detail, target_type="county_submission")
    assert shown(row).facts[0].lines == ("双河村 乔春杨 371326********1234",)
    assert shown(row).maskable
    assert shown(row, reveal=True).facts[0].lines == (f"双河村 乔春杨 {FULL_ID}",)


def test_an_exit_step_reads_its_state_change_and_a_households_step_its_status_by_labels() -> None:
    detail = {"exit_case": 3, "state": ["checked", "appraised"], "changes": {"votes_for": [None, 30]}}
    assert facts("exit_appraise", detail) == [("退出案例编号", "3"), ("退出状态", "已入户核实 → 已民主评议")]
    updated = {"application": 1, "changes": {"status": ["none", "not_out"]}}
    assert changes("household_updated", updated) == [("脱贫标志", "非建档立卡户", "未脱贫")]


def test_a_field_or_a_code_no_area_names_is_shown_as_it_is_stored() -> None:
    assert facts("verification_call_recorded", {"outcome": "shouted", "mood": {"a": 1}}) == [
        ("回访结果", "shouted"),
        ("mood", '{"a": 1}'),
    ]
    # An action no area writes: its fields by any area's label, its values as stored.
    assert facts("something_new", {"outcome": "confirmed", "mood": "calm"}) == [
        ("回访结果", "confirmed"),
        ("mood", "calm"),
    ]


def test_the_same_field_reads_as_its_own_areas_field() -> None:
    assert field_label("kind", "public_report_received") == "反映类型"
    assert field_label("kind", "county_submitted") == "名单类型"
    assert field_label("kind", "visit_recorded") == "方式"
    assert field_label("outcome", "public_report_handled") == "处理方式"


@pytest.fixture
async def admin(client: Any, towns: dict[str, int]) -> Any:
    await log_in(client, "office")
    return client


async def test_the_audit_page_names_the_household_the_responsible_and_the_villages(
    admin: Any, towns: dict[str, int], township: dict[str, int]
) -> None:
    await Member.insert(Member(household=towns["household"], name="乔春杨", relation="head", id_number=FULL_ID))
    finding = await add_event("finding_recorded", towns["office"], "office", target_type="finding", target_id=4,
                              detail={"spot_check": 1, "household": towns["household"], "responsible": towns["worker"],
                                      "deadline": "2026-12-15", "photos": 1})  # fmt: skip
    planned = await add_event("spot_check_planned", towns["office"], "office", target_type="spot_check", target_id=1,
                              detail={"villages": [township["village"]], "households": 3})  # fmt: skip
    page = (await admin.get("/audit")).text
    entry = page[page.index(f'id="event-{finding}"') :]
    assert f'农户: <a href="/households/{towns["household"]}">H-0001 乔春杨</a>' in entry
    assert "整改责任人: 测试用户" in entry
    assert "整改期限: 2026-12-15" in entry
    entry = page[page.index(f'id="event-{planned}"') :]
    assert "抽查村: 双河村" in entry
    assert "抽取户数: 3" in entry


async def test_an_events_household_is_named_by_its_number_and_head(admin: Any, towns: dict[str, int]) -> None:
    await Member.insert(Member(household=towns["household"], name="乔春杨", relation="head", id_number=FULL_ID))
    changed = await add_event("household_changed", towns["office"], "office", target_type="household",
                              target_id=towns["household"], detail={"changes": {"address": ["", "东街"]}})  # fmt: skip
    page = (await admin.get("/audit")).text
    entry = page[page.index(f'id="event-{changed}"') :]
    assert f'对象: <a href="/households/{towns["household"]}">农户 H-0001 乔春杨</a>' in entry


async def test_the_county_list_on_the_page_is_summed_up_and_revealed_in_full_only_on_request(
    admin: Any, towns: dict[str, int]
) -> None:
    list_ = [
        {"household": towns["household"], "village_name": "双河村", "head_name": "乔春杨", "head_id_masked": FULL_ID}
    ]
    decisions = [{"household": towns["household"], "approved": True}]
    decided = await add_event("county_decided", towns["office"], "office", target_type="county_submission",
                              target_id=1, detail={"kind": "exit", "list": list_, "decisions": decisions})  # fmt: skip
    page = await admin.get("/audit")
    entry = page.text[page.text.index(f'id="event-{decided}"') :]
    assert "<summary>报送名单: 1 户</summary>" in entry
    assert "<li>双河村 乔春杨 371326********1234</li>" in entry
    assert FULL_ID not in page.text
    assert "同意 1 户，退回 0 户" in entry
    revealed = await admin.post(f"/audit/{decided}/reveal", data={"_csrf_token": csrf_token_of(page.text)})
    assert f"<li>双河村 乔春杨 {FULL_ID}</li>" in revealed.text


def test_the_excel_export_reads_the_detail_in_the_same_words() -> None:
    row = event("county_submitted", {"kind": "exit", "township": 1, "households": [7]}, "county_submission")
    book = load_workbook(BytesIO(build_workbook([row], {"township": {1: "临涧镇"}, "household": {7: "H-0007 乔春杨"}})))
    assert book.active is not None
    assert book.active["G2"].value == "名单类型: 脱贫退出：县级审批; 乡镇: 临涧镇; 户数: 1 户 (H-0007 乔春杨)"


def test_a_sample_drawn_from_no_one_village_reads_all_villages() -> None:
    detail = {"since": "2026-11-07", "until": "2026-12-07", "share": 10, "village": None, "visits": 128}
    assert facts("verification_sample_drawn", detail, target_type="verification_sample") == [
        ("走访日期从", "2026-11-07"),
        ("走访日期至", "2026-12-07"),
        ("抽取比例（%）", "10"),
        ("抽样村", "全部村"),
        ("抽取走访数", "128"),
    ]


def test_a_door_cards_report_names_the_door_card_without_its_stored_label() -> None:
    row = event("risk_found", {"risk_case": 48}) | {"actor_label": "door card", "actor_username": None}
    shown_event = shown(row)
    assert (shown_event.who, shown_event.username) == ("帮扶联系卡", "")
