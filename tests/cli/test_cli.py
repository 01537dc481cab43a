"""The `bangfu` command says what is wrong in one line, never with a traceback."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from server.app import create_served_app
from server.settings import ROOT


def bangfu(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )


def test_unreachable_database_gives_one_clear_line() -> None:
    result = bangfu("migrate", env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "无法连接数据库" in result.stderr


def test_weak_password_in_createuser_says_why() -> None:
    result = bangfu(
        "createuser", "--username", "x1", "--display-name", "X", "--role", "cadre", "--township", "1",
        "--password", "abc",
    )  # fmt: skip
    assert result.returncode == 2
    assert "密码不符合要求" in result.stderr
    assert "8" in result.stderr
    assert "Traceback" not in result.stderr


def test_misused_command_exits_non_zero_without_traceback() -> None:
    result = bangfu("serve", "--workers", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_county_office_account_needs_its_county() -> None:
    result = bangfu(
        "createuser", "--username", "x2", "--display-name", "X", "--role", "county", "--password", "Bangfu@2026x",
    )  # fmt: skip
    assert result.returncode == 2
    assert "--county" in result.stderr
    assert "Traceback" not in result.stderr


def test_sweep_media_says_what_it_found_and_a_dry_run_deletes_nothing(database: str, tmp_path: Path) -> None:
    stray = tmp_path / "media" / "ab" / "cd" / ("abcd" + "0" * 60 + ".jpg")
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"a photo of a visit never saved")
    os.utime(stray, (1_000_000_000, 1_000_000_000))
    env = {"DATABASE_URL": database, "BANGFU_VAR_DIR": str(tmp_path)}
    dry = bangfu("sweep-media", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "无引用的照片文件 1 个" in dry.stdout
    assert stray.exists()
    swept = bangfu("sweep-media", env=env)
    assert swept.returncode == 0, swept.stderr
    assert not stray.exists()


def test_a_served_worker_keeps_what_it_built_out_of_the_garbage_collectors_full_walks() -> None:
    gc.unfreeze()
    try:
        create_served_app()
        assert gc.get_freeze_count() > 100_000  # the modules, the templates, pypinyin's dictionaries
    finally:
        gc.unfreeze()
