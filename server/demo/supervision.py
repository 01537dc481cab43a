"""Demo of issue 17 in the demo township: door cards, the public page, reports from households and villagers, visit
photos (a few used twice), a sample of verification calls, and a spot check with findings in every state.

Written through the areas' own functions (in the loader's transaction), so the rows are what the app itself makes.
Photos are village scenes drawn by server.demo.photos and taken in by server.media like any upload.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import asyncpg

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.clock import TIMEZONE
from server.demo.geography import DEMO_TOWNSHIP_CODE
from server.demo.photos import jpeg, scene
from server.media.images import StoredImage, ingest_image
from server.media.storage import default_storage
from server.pairing.card_tokens import ScannedCard, tokens_for
from server.reports import intake, queries
from server.supervision import calls, checks, findings
from server.supervision.forms import FindingForm
from server.visits.photos import add_photos

PHOTO_VISITS = 30  # recent home visits that get a photo
USED_TWICE = 3  # of those pictures, sent again for another household's visit (re-saved, resized, cropped)
IP = "127.0.0.1"
POLICIES = """一、两不愁三保障：吃穿不愁，义务教育、基本医疗、住房安全有保障，饮水安全。
二、看病：参加居民医保，住院先诊疗后付费；大病保险、医疗救助再报一部分，慢性病门诊也能报销。
三、上学：义务教育阶段免学杂费，家庭困难的学生有生活补助；读高中、职业学校、大学还有助学金和助学贷款。
四、住房：住房不安全的（C级、D级危房），可以申请危房改造补助。
五、就业：想外出务工或在家门口就业的，镇里推荐岗位、组织免费技能培训，扶贫车间和公益岗位优先安排。
六、突发困难：家里有人生大病、遭灾、出意外、失业，收入突然下降的，扫门上的二维码或打帮扶热线告诉我们，镇里会尽快核实，符合条件的纳入监测帮扶。
七、所有帮扶政策都不收任何费用，有人收钱请打热线举报。"""
DIFFICULTIES = (
    ("illness", "老伴突发脑梗住院了，押金交不起，想问问能不能报销。", "13905391234"),
    ("disaster", "前天下大雨，东屋后墙塌了一块，晚上不敢住人。", ""),
    ("job_loss", "儿子在外面打工的厂子停工了，三个月没发工资。", "15853900087"),
)
COMPLAINTS = (("帮扶干部换了以后，半年没人来过了，也没打过电话。", "13705391122"),
              ("说好的小额信贷一直没办下来，问了好几次都说再等等。", ""))  # fmt: skip
HELP_REQUESTS = (
    ("王秀英", "illness", "邻居王秀英一个人住，腿摔伤了没人照顾，家里也没有收入。", "13605398899"),
    ("李长顺", "disaster", "我家的大棚被冰雹砸了，今年的收成全没了，想申请帮扶。", "18253901234"),
)


def as_user(row: dict[str, Any], township_id: int) -> CurrentUser:
    return CurrentUser(id=row["id"], username=row["username"], display_name=row["display_name"],
                       role=Role(row["role"]), township_id=township_id, village_id=row["village"], employer_id=None,
                       locale="zh_CN", session_key="")  # fmt: skip


@lru_cache(maxsize=64)
def picture(seed: str, variant: str = "") -> bytes:
    """A demo photo's bytes (kept across loads in one process: tests load the demo many times)."""
    image = scene(seed, (800, 600))
    if variant == "again":  # the same picture sent again: cropped 3% each side, resized, re-saved
        width, height = image.size
        image = image.crop((24, 18, width - 24, height - 18)).resize((640, 461))
        return jpeg(image, quality=70)
    return jpeg(image)


async def supervision_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    township_id = await connection.fetchval(
        "SELECT id FROM township WHERE code = $1 AND id = ANY($2::int[])", DEMO_TOWNSHIP_CODE, township_ids
    )
    if township_id is None:
        return Counter()
    totals: Counter[str] = Counter()
    rng = random.Random(f"supervision-{township_id}")  # noqa: S311 -- repeatable demo data
    await queries.township_page(township_id)
    await connection.execute("UPDATE public_page SET help_line = '0539-4521234', policies = $1 WHERE id IN"
                             " (SELECT id FROM public_page WHERE township = $2)", POLICIES, township_id)  # fmt: skip
    totals.update(await _reports(connection, township_id))
    totals.update(await _photos(connection, township_id, rng))
    people = {r["username"]: dict(r) for r in await connection.fetch(
        "SELECT id, username, display_name, role, village FROM app_user WHERE township = $1", township_id)}  # fmt: skip
    if "inspector" in people and "admin" in people:
        totals.update(await _calls(connection, as_user(people["inspector"], township_id)))
        totals.update(await _check(connection, as_user(people["inspector"], township_id), rng))
    return totals


async def _reports(connection: asyncpg.Connection, township_id: int) -> Counter[str]:
    """Door cards for the paired households, and reports through a few of them and through the township's page."""
    households = await connection.fetch(
        "SELECT DISTINCT h.id, v.name FROM household h JOIN village v ON v.id = h.village"
        " JOIN pairing p ON p.household = h.id AND p.ended_on IS NULL WHERE v.township = $1 ORDER BY h.id",
        township_id,
    )
    await tokens_for([row["id"] for row in households], None)
    cards = await connection.fetch(
        "SELECT c.id, c.household, v.name FROM door_card c JOIN household h ON h.id = c.household"
        " JOIN village v ON v.id = h.village WHERE v.township = $1 AND c.revoked_at IS NULL"
        " AND h.monitoring_type IS NULL ORDER BY c.household LIMIT 40",
        township_id,
    )
    chosen = [ScannedCard(row["id"], row["household"], township_id, row["name"]) for row in cards[5:40:7]]
    for card, (category, text, phone) in zip(chosen, DIFFICULTIES, strict=False):
        values = {"category": category, "text": text, "callback_phone": phone}
        await intake.report_through_card(card, "difficulty", values, IP)
    for card, (text, phone) in zip(chosen[3:], COMPLAINTS, strict=False):
        await intake.report_through_card(card, "complaint", {"category": "", "text": text, "callback_phone": phone}, IP)
    villages = [row["id"] for row in await connection.fetch(
        "SELECT id FROM village WHERE township = $1 ORDER BY code LIMIT 6", township_id)]  # fmt: skip
    for village, (name, category, text, phone) in zip(villages[2:], HELP_REQUESTS, strict=False):
        values = {"name": name, "village": village, "category": category, "text": text, "callback_phone": phone}
        await intake.help_request(township_id, values, IP)
    reports = len(DIFFICULTIES) + len(COMPLAINTS) + len(HELP_REQUESTS)
    return Counter({"张门牌卡": len(households), "条群众反映": reports})


async def _photos(connection: asyncpg.Connection, township_id: int, rng: random.Random) -> Counter[str]:
    """A photo on recent home visits; a few pictures sent again for another household's later visit."""
    visits = await connection.fetch(
        "SELECT v.id, v.household FROM visit v JOIN household h ON h.id = v.household JOIN village vl"
        " ON vl.id = h.village WHERE vl.township = $1 AND v.kind = 'home' AND v.visited_at > now() - interval '50 days'"
        " ORDER BY v.visited_at LIMIT $2",
        township_id,
        PHOTO_VISITS + USED_TWICE,
    )
    storage = default_storage()
    for number, visit in enumerate(visits[:PHOTO_VISITS]):
        image = await ingest_image(picture(f"{township_id}-{number}"), storage=storage)
        await _attach(connection, visit["id"], image)
    for visit in visits[PHOTO_VISITS:]:  # later visits of other households, older pictures
        image = await ingest_image(picture(f"{township_id}-{rng.randrange(PHOTO_VISITS)}", "again"), storage=storage)
        await _attach(connection, visit["id"], image)
    return Counter({"张走访照片": len(visits)})


async def _attach(connection: asyncpg.Connection, visit_id: int, image: StoredImage) -> None:
    await connection.execute("UPDATE visit SET expected_photos = 1 WHERE id = $1", visit_id)
    await add_photos(visit_id, [image])  # flags a picture used twice, as the app does at intake


async def _calls(connection: asyncpg.Connection, inspector: CurrentUser) -> Counter[str]:
    """A tenth of the last month's visits drawn; most called: confirmed, a few not reachable, one denied."""
    today = datetime.now(TIMEZONE).date()
    sample_id, drawn = await calls.draw_sample(inspector, today - timedelta(days=30), today, 10, None, IP)
    rows = await connection.fetch("SELECT id FROM verification_call WHERE sample = $1 ORDER BY id", sample_id)
    outcomes = ["confirmed"] * 20 + ["unreachable", "reached", "unreachable", "denied"]
    for row, outcome in zip(rows[: len(rows) * 3 // 4], outcomes * 20, strict=False):
        note = "户主说这个月没有干部来过" if outcome == "denied" else ""
        await calls.record_outcome(inspector, row["id"], outcome, note, IP)
    return Counter({"条回访核实": drawn})


async def _check(connection: asyncpg.Connection, inspector: CurrentUser, rng: random.Random) -> Counter[str]:
    """A spot check ten days ago in two villages; findings accepted, waiting for a verdict, overdue, and open."""
    villages = [row["id"] for row in await connection.fetch(
        "SELECT id FROM village WHERE township = $1 ORDER BY code LIMIT 2", inspector.township_id)]  # fmt: skip
    today = datetime.now(TIMEZONE).date()
    checklist = "明白卡是否上墙；近三个月走访是否属实；帮扶措施是否到户；住房和饮水是否安全。"
    title = "入户抽查：明白卡、走访记录、帮扶措施"
    plan = checks.CheckPlan(title, checklist, today - timedelta(days=10), villages, 3, [])
    check_id = await checks.plan(inspector, plan, IP)
    page = await checks.check_page(inspector, check_id)
    assert page is not None
    specs = (("明白卡未上墙，户主不知道帮扶干部电话。", 5, "accepted"),
             ("走访记录写了送米面油，户主说没有收到。", 12, "answered"),
             ("危房改造补助申请材料还没有交到镇上。", -3, "open"),
             ("家中饮水管道漏水，已报村委会但未维修。", 8, "open"))  # fmt: skip
    households = page["households"]
    found_at = (datetime.now(UTC) - timedelta(days=10)).astimezone(TIMEZONE).isoformat()
    for number, (text, days, state) in enumerate(specs):
        household = households[number % len(households)]
        responsible = household["cadres"][0]["cadre_id"] if household["cadres"] else page["staff"][0]["id"]
        form = FindingForm(client_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                           household=str(household["id"]), description=text, responsible=str(responsible),
                           deadline=(today + timedelta(days=days)).isoformat(),
                           found_at_text=found_at)  # fmt: skip
        photo = await ingest_image(picture(f"finding-{number}"), storage=default_storage())
        outcome = await findings.record_finding(inspector, page["check"], household["village_id"], form, [photo], IP)
        assert outcome.id is not None
        if state in ("accepted", "answered"):
            answerer = await connection.fetchrow("SELECT id, username, display_name, role, village FROM app_user"
                                                 " WHERE id = $1", responsible)  # fmt: skip
            user = as_user(dict(answerer), inspector.township_id or -1)
            await findings.answer(user, outcome.id, "已上门整改，附照片。", [], IP)
        if state == "accepted":
            await findings.decide(inspector, outcome.id, "accepted", "", IP)
    return Counter({"条督导发现": len(specs)})
