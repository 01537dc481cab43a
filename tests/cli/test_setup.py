"""`bangfu setup` turns an empty database into a real deployment: the county with its province and city, and the
county office's first account. The demo never loads into it, and it never runs twice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.database import connect
from tests.cli.test_cli import bangfu
from tests.conftest import drop_database, migrated_copy

PINGYI = (
    "--province-code", "370000000000", "--province", "山东省",
    "--city-code", "371300000000", "--city", "临沂市",
    "--county-code", "371326000000", "--county", "平邑县",
)  # fmt: skip
OFFICE = ("--username", "xianban", "--display-name", "李县办", "--password", "Pingyi#2026")


@pytest.fixture
async def empty(migrated_template: str) -> AsyncIterator[str]:
    """A database `bangfu migrate` left empty (a copy of the run's `migrated_template`)."""
    url = await migrated_copy(migrated_template, "bangfu_setup")
    try:
        yield url
    finally:
        await drop_database(url)


async def test_setup_with_flags_creates_the_region_tree_and_the_county_office(empty: str) -> None:
    env = {"DATABASE_URL": empty}
    done = bangfu("setup", *PINGYI, *OFFICE, env=env)
    assert done.returncode == 0, done.stderr
    assert "平邑县" in done.stdout
    connection = await connect(empty)
    try:
        regions = await connection.fetch("SELECT level, code, name FROM region ORDER BY code")
        assert [(r["level"], r["code"]) for r in regions] == [("province", "370000000000"), ("city", "371300000000")]
        county = await connection.fetchrow("SELECT c.code, r.name FROM county c JOIN region r ON r.id = c.region")
        assert dict(county) == {"code": "371326000000", "name": "临沂市"}
        office = await connection.fetchrow("SELECT role, must_change_password, password_hash FROM app_user")
        assert office["role"] == "county"
        assert not office["must_change_password"]
        assert "Pingyi#2026" not in office["password_hash"]
        assert await connection.fetchval("SELECT kind FROM deployment") == "real"
        assert await connection.fetchval("SELECT count(*) FROM audit_event WHERE action = 'deployment_set_up'") == 1
    finally:
        await connection.close()

    again = bangfu("setup", *PINGYI, *OFFICE, env=env)
    assert again.returncode != 0
    assert "已有账号" in again.stderr
    demo = bangfu("demo", env=env)
    assert demo.returncode != 0
    assert "正式部署" in demo.stderr
    make_run = bangfu("demo", "--if-empty", env=env)  # what `make run` does: nothing, quietly
    assert make_run.returncode == 0
    assert "未加载演示数据" in make_run.stdout


async def test_setup_asks_for_what_the_flags_leave_out(empty: str) -> None:
    answers = "\n".join(["370000000000", "山东省", "371300000000", "临沂市", "371326000000", "平邑县", "xianban",
                         "李县办", "Pingyi#2026", "Pingyi#2026"]) + "\n"  # fmt: skip
    done = bangfu("setup", env={"DATABASE_URL": empty}, stdin=answers)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "已建立" in done.stdout


async def test_setup_refuses_bad_codes_and_weak_passwords_and_writes_nothing(empty: str) -> None:
    env = {"DATABASE_URL": empty}
    wrong_county = [*PINGYI[:-4], "--county-code", "371426000000", "--county", "平邑县"]
    refused = bangfu("setup", *wrong_county, *OFFICE, env=env)
    assert refused.returncode == 2
    assert "（3713）" in refused.stderr
    assert "Traceback" not in refused.stderr
    weak = bangfu("setup", *PINGYI, *OFFICE[:-1], "pingyi123", env=env)
    assert weak.returncode == 2
    assert "密码不符合要求" in weak.stderr
    connection = await connect(empty)
    try:
        assert await connection.fetchval("SELECT count(*) FROM app_user") == 0
        assert await connection.fetchval("SELECT count(*) FROM deployment") == 0
    finally:
        await connection.close()


async def test_createuser_reads_a_short_code_as_the_twelve_digit_one(empty: str) -> None:
    env = {"DATABASE_URL": empty}
    assert bangfu("setup", *PINGYI, *OFFICE, env=env).returncode == 0
    made = bangfu("createuser", "--username", "xian2", "--display-name", "王县办", "--role", "county",
                  "--county", "371326", "--password", "Pingyi#2026", env=env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "已创建用户 xian2" in made.stdout
