"""Employers post, edit, pause and close their own jobs; the township's minimum wage and closing dates are checked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from server.audit.tables import AuditEvent
from server.clock import today
from server.jobs.tables import JobPost
from tests.helpers import csrf_token_of, log_in, post_form

JOB = {
    "title": "包装工",
    "work_kind": "food",
    "place": "临涧镇罐头厂",
    "pay_unit": "month",
    "wage_min": "2600",
    "wage_max": "3200",
    "headcount": "3",
    "age_min": "18",
    "age_max": "55",
    "physical": "light",
}


def job_form(**changes: str) -> dict[str, str]:
    return {**JOB, "closing_date": (today() + timedelta(days=20)).isoformat(), **changes}


async def test_approved_employer_posts_a_job_that_the_public_board_shows(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "boss1")
    answer = await post_form(client, "/employer/jobs/new", "/employer/jobs/", job_form(is_workshop="1"))
    assert answer.status_code == 303
    job = await JobPost.select().where(JobPost.title == "包装工").first()
    assert job["employer"] == world["employers"][0]
    assert job["is_workshop"]
    assert job["headcount"] == 3
    assert answer.headers["location"] == f"/employer/jobs/{job['id']}"
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "job_created") & (AuditEvent.target_id == str(job["id"]))
    )
    public = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    board = await public.get("/board")
    assert board.status_code == 200
    assert "包装工" in board.text
    assert "data:image/svg+xml" in board.text
    assert (await public.get(f"/board/{job['id']}/poster")).status_code == 200


async def test_employer_waiting_for_approval_cannot_post(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "pending")
    answer = await post_form(client, "/employer/jobs/new", "/employer/jobs/", job_form())
    assert answer.status_code == 422
    assert "等待镇里审核" in answer.text
    assert not await JobPost.exists().where(JobPost.title == "包装工")


async def test_a_wage_below_the_minimum_needs_the_employers_confirmation(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "boss1")
    first = await post_form(client, "/employer/jobs/new", "/employer/jobs/", job_form(wage_min="1500", wage_max="1800"))
    assert first.status_code == 422
    assert 'name="confirm_low_wage"' in first.text
    assert "1900" in first.text
    assert not await JobPost.exists().where(JobPost.title == "包装工")
    data = job_form(wage_min="1500", wage_max="1800", confirm_low_wage="1")
    second = await post_form(client, "/employer/jobs/new", "/employer/jobs/", data)
    assert second.status_code == 303
    assert (await JobPost.select(JobPost.low_wage_confirmed).where(JobPost.title == "包装工").first())[
        "low_wage_confirmed"
    ]


async def test_a_day_wage_counts_twenty_two_days_a_month(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "boss1")
    low = await post_form(client, "/employer/jobs/new", "/employer/jobs/", job_form(pay_unit="day", wage_min="80"))
    assert low.status_code == 422
    assert 'name="confirm_low_wage"' in low.text
    fine = await post_form(client, "/employer/jobs/new", "/employer/jobs/", job_form(pay_unit="day", wage_min="90"))
    assert fine.status_code == 303  # 90 × 22 = 1980


async def test_a_closing_date_in_the_past_is_refused(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "boss1")
    past = (today() - timedelta(days=1)).isoformat()
    answer = await post_form(client, "/employer/jobs/new", "/employer/jobs/", job_form(closing_date=past))
    assert answer.status_code == 422
    assert "截止日期已过" in answer.text
    assert not await JobPost.exists().where(JobPost.title == "包装工")


async def test_employer_opening_another_employers_job_gets_404(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "boss2")
    job = world["job"]
    assert (await client.get(f"/employer/jobs/{job}")).status_code == 404
    assert (await client.get(f"/employer/jobs/{job}/edit")).status_code == 404
    token = csrf_token_of((await client.get("/employer/jobs/new")).text)
    closed = await client.post(f"/employer/jobs/{job}/status", data={"status": "closed", "_csrf_token": token})
    assert closed.status_code == 404
    edited = await client.post(f"/employer/jobs/{job}", data={**job_form(), "_csrf_token": token})
    assert edited.status_code == 404
    assert (await JobPost.select(JobPost.status).where(JobPost.id == job).first())["status"] == "open"


async def test_employer_opening_member_household_or_cadre_pages_gets_404(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "boss1")
    for path in (
        f"/jobs/members/{world['worker']}",
        f"/jobs/{world['job']}",
        "/jobs/",
        "/jobs/referrals",
        "/jobs/trainings/",
        "/jobs/figures",
        f"/households/{world['household']}",
    ):
        answer = await client.get(path)
        assert answer.status_code in (403, 404) if path.startswith("/households") else answer.status_code == 404, path
        assert "张三" not in answer.text


async def test_employer_edits_pauses_and_closes_a_job(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "boss1")
    job = world["job"]
    edit = f"/employer/jobs/{job}/edit"
    saved = await post_form(client, edit, f"/employer/jobs/{job}", job_form(title="熟练缝纫工"))
    assert saved.status_code == 303
    assert (await JobPost.select(JobPost.title).where(JobPost.id == job).first())["title"] == "熟练缝纫工"
    paused = await post_form(client, f"/employer/jobs/{job}", f"/employer/jobs/{job}/status", {"status": "paused"})
    assert paused.status_code == 303
    public = await client.get(f"/board/{job}")
    assert public.status_code == 404
    await post_form(client, f"/employer/jobs/{job}", f"/employer/jobs/{job}/status", {"status": "closed"})
    assert (await JobPost.select(JobPost.status).where(JobPost.id == job).first())["status"] == "closed"
    assert "熟练缝纫工" not in (await client.get("/board")).text


async def test_the_public_board_shows_no_household_data(client: httpx.AsyncClient, world: Any) -> None:
    board = await client.get("/board")
    assert board.status_code == 200
    assert "缝纫工" in board.text
    assert "货车司机" in board.text
    for secret in ("张三", "13712345678", "13900001111"):
        assert secret not in board.text
