"""App hosts as separate `bangfu serve` processes on their own ports, sharing one database and one object store."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from server.settings import ROOT, S3Settings
from tests.conftest import drop_database, migrated_copy
from tests.services import free_ports, s3_environment, stop_process, wait_for


@dataclass(frozen=True)
class Host:
    url: str
    var_dir: Path
    process: subprocess.Popen[bytes]


def bangfu(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def healthy(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def start_host(env: dict[str, str], var_dir: Path, port: int, workers: int = 1) -> Host:
    var_dir.mkdir(parents=True, exist_ok=True)
    log = (var_dir.parent / f"{var_dir.name}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env={**env, "BANGFU_VAR_DIR": str(var_dir)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: healthy(url), f"app host on {port}", process, timeout=60)
    return Host(url, var_dir, process)


@pytest.fixture(scope="session")
async def shared_database(migrated_template: str) -> AsyncIterator[str]:
    """The hosts' database, migrated (a copy of the run's migrated template)."""
    url = await migrated_copy(migrated_template, "bangfu_hosts")
    try:
        yield url
    finally:
        await drop_database(url)


@pytest.fixture(scope="session")
def host_environment(shared_database: str, object_store: S3Settings) -> dict[str, str]:
    """What every host is given: the database, the bucket; no secret key (they must agree on one by themselves)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BANGFU_")}
    env.update(s3_environment(object_store), DATABASE_URL=shared_database, BANGFU_LOG_FORMAT="json")
    bangfu(env, "demo")
    return env


@pytest.fixture(scope="session")
def two_hosts(host_environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Host]]:
    """Two app hosts, each with a var directory of its own (nothing shared but the database and the bucket)."""
    base = tmp_path_factory.mktemp("hosts")
    hosts: list[Any] = []
    try:
        for name, port in zip(("a", "b"), free_ports(2), strict=True):
            hosts.append(start_host(host_environment, base / name, port))
        yield hosts
    finally:
        for host in hosts:
            stop_process(host.process, grace=20)
