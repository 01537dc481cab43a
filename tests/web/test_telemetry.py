"""What the operator sees: /metrics for the operator's network only, a request id on every answer and in the audit
trail, and log lines without ID numbers or phone numbers."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

from server.audit.tables import AuditEvent
from server.observability.logs import JsonFormatter, request_id
from tests.helpers import log_in

WRONG = "Wrong@2026x"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when it is not there yet)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
            if all(found.get(key) == value for key, value in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


async def metrics(app: Any, client_host: str = "127.0.0.1", **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(client_host, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return await http.get("/metrics", headers=headers)


async def test_the_metrics_count_requests_by_route_template_and_status(app: Any, client: httpx.AsyncClient) -> None:
    before = (await metrics(app)).text
    for household in (1, 2, 3):
        await client.get(f"/households/{household}")  # not logged in: sent to the login page
    after = (await metrics(app)).text
    labels = {"method": "GET", "route": "/households/{household_id}", "status": "303"}
    assert (
        sample(after, "bangfu_http_requests_total", **labels) - sample(before, "bangfu_http_requests_total", **labels)
        == 3
    )
    assert (
        sample(after, "bangfu_http_request_duration_seconds_count", method="GET", route="/households/{household_id}")
        >= 3
    )
    assert sample(after, "bangfu_db_pool_connections", pool="primary", state="max") >= 1


async def test_login_failures_and_lockouts_are_counted(app: Any, client: httpx.AsyncClient, make_user: Any) -> None:
    await make_user("cadre", username="forgetful")
    before = (await metrics(app)).text
    for _ in range(5):
        await log_in(client, "forgetful", WRONG)
    after = (await metrics(app)).text
    failures = "bangfu_login_failures_total"
    assert sample(after, failures, reason="wrong_password") - sample(before, failures, reason="wrong_password") == 5
    assert sample(after, "bangfu_account_lockouts_total") - sample(before, "bangfu_account_lockouts_total") == 1


async def test_metrics_are_refused_outside_the_operators_network_and_through_the_proxy(app: Any) -> None:
    assert (await metrics(app)).status_code == 200
    assert (await metrics(app, client_host="203.0.113.9")).status_code == 404
    relayed = await metrics(app, **{"X-Forwarded-For": "203.0.113.9"})  # the proxy itself sits on an allowed address
    assert relayed.status_code == 404


async def test_the_audit_event_records_the_request_id_the_answer_carries(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    await make_user("cadre", username="zhao")
    answer = await log_in(client, "zhao")
    event = (
        await AuditEvent.select().where(AuditEvent.action == "login").order_by(AuditEvent.id, ascending=False).first()
    )
    assert event["request_id"] == answer.headers["x-request-id"]


def test_a_log_line_is_one_json_object_with_id_numbers_and_phones_masked() -> None:
    record = logging.LogRecord(
        "bangfu.test",
        logging.WARNING,
        __file__,
        1,
        "member %s called from %s",
        ("37132619800101123X", "13812345678"),
        None,
    )
    record.path = "/households/search/13812345678"
    token = request_id.set("c0ffee" * 5 + "13812345678")  # an id full of digits is left alone
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "member 371326********123X called from 138****5678"
    assert parsed["path"] == "/households/search/138****5678"
    assert parsed["request_id"] == "c0ffee" * 5 + "13812345678"
    assert (parsed["level"], parsed["logger"]) == ("WARNING", "bangfu.test")


async def test_the_access_line_says_how_many_statements_the_request_sent(
    client: httpx.AsyncClient, make_user: Any, caplog: Any
) -> None:
    await make_user("admin", username="qian")
    await log_in(client, "qian")
    with caplog.at_level(logging.INFO, logger="bangfu.access"):
        await client.get("/households")
        await client.get("/ping")
    lines = {record.path: record for record in caplog.records if record.name == "bangfu.access"}
    assert lines["/households"].statements >= 2  # the session's user, then the page's list
    assert lines["/ping"].statements == 0
