"""Every employer-facing page and htmx fragment: never an ID number, never a member's phone, health or address."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx

from server.accounts.tables import User
from server.households.tables import Member
from server.jobs.tables import Training, TrainingEnrolment
from tests.helpers import log_in, post_form, without_tokens
from tests.jobs.test_referrals import hire, refer

ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
LINK = re.compile(r'href="(/[^"#?]*)')


async def crawl(client: httpx.AsyncClient, start: list[str]) -> dict[str, str]:
    """Follow every local link from `start`, as a page and as an htmx fragment; returns path -> body."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen or path.startswith(("/static", "/logout", "/board")):
            continue
        page = await client.get(path)
        fragment = await client.get(path, headers={"HX-Request": "true", "HX-Target": "main"})
        seen[path] = page.text + fragment.text
        if page.status_code == 200:
            queue.extend(LINK.findall(page.text))
    return seen


async def test_no_employer_page_shows_an_id_number_or_a_members_phone(client: httpx.AsyncClient, world: Any) -> None:
    training = Training(township=world["township"], title="缝纫技能培训", work_kind="garment", held_on=date(2026, 3, 1))
    await training.save()
    await TrainingEnrolment.insert(
        TrainingEnrolment(training=training.id, member=world["worker"], attended=True, certificate="缝纫工初级证书")
    )
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    await refer(client, world["job"], world["elder"])
    await log_in(client, "boss1")
    listing = await client.get("/employer/referrals/")
    ids = re.findall(r'href="/employer/referrals/(\d+)"', listing.text)
    await hire(client, int(ids[0]), "2026-03-01")
    pages = await crawl(client, ["/", "/me", "/employer/jobs/", "/employer/referrals/", "/employer/jobs/new"])
    assert any("/employer/referrals/" in path and path[-1].isdigit() for path in pages), "referral pages were crawled"
    secrets = [row["id_number"] for row in await Member.select(Member.id_number)]
    secrets += ["13712345678", "13900001111", "临涧镇某路1号", "残疾", "Disabled"]
    for path, body in pages.items():
        assert not ID_NUMBER.search(without_tokens(body)), f"an ID number on {path}"
        for secret in secrets:
            assert secret not in body, f"{secret} on {path}"
    assert any("张三" in body and "缝纫技能培训" in body for body in pages.values()), "name and trainings are shown"


async def test_an_employer_reaches_a_referred_worker_through_the_cadre_responsible_for_the_household(
    client: httpx.AsyncClient, world: Any
) -> None:
    await User.update({User.phone: "13511112222"}).where(User.username == "wang")
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    await log_in(client, "boss1")
    listing = await client.get("/employer/referrals/")
    referral_id = re.findall(r'href="/employer/referrals/(\d+)"', listing.text)[0]
    page = (await client.get(f"/employer/referrals/{referral_id}")).text
    contact = page.split('id="referral-contact"', 1)[1]
    assert "如何联系务工人员" in contact
    assert "王干部" in contact
    assert 'href="tel:13511112222"' in contact
    assert "13900001111" not in page, "never the household's own phone"


async def test_an_employer_page_leaves_out_the_referred_members_private_fields() -> None:
    from server.jobs import referrals

    sql = referrals._EMPLOYER_REFERRALS
    selected = sql.split("FROM referral", 1)[0]
    for column in ("m.id_number AS", "m.health", "m.phone", "h.address", "wage_income"):
        assert column not in selected


async def test_admin_creates_an_employer_account_that_must_be_approved(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "office")
    data = {"name": "临涧镇新希望农业合作社", "contact_name": "孙经理", "username": "xinxiwang",
            "password": "Good@Pass2026", "credit_code": ""}  # fmt: skip
    answer = await post_form(client, "/admin/employers/new", "/admin/employers/", data)
    assert answer.status_code == 303
    client.cookies.clear()
    await log_in(client, "xinxiwang", "Good@Pass2026")
    page = await client.get("/employer/jobs/")
    assert page.status_code == 200
    assert "/employer/jobs/new" not in page.text
    client.cookies.clear()
    await log_in(client, "office")
    listing = await client.get("/admin/employers/")
    employer_id = re.findall(r'action="/admin/employers/(\d+)/approval"', listing.text)
    from server.employers.tables import Employer

    new = await Employer.select(Employer.id).where(Employer.name == "临涧镇新希望农业合作社").first()
    assert str(new["id"]) in employer_id
    await post_form(client, "/admin/employers/", f"/admin/employers/{new['id']}/approval", {"approved": "1"})
    assert (await Employer.select(Employer.approved).where(Employer.id == new["id"]).first())["approved"]
