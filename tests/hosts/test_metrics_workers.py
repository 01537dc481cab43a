"""With several worker processes, /metrics reports the whole host, whichever worker answers the scrape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hosts.conftest import Host, start_host
from tests.services import free_ports, stop_process
from tests.web.test_telemetry import sample

pytestmark = pytest.mark.slow


@pytest.fixture
def two_workers(host_environment: dict[str, str], tmp_path: Path) -> Iterator[Host]:
    host = start_host(host_environment, tmp_path / "workers", free_ports(1)[0], workers=2)
    yield host
    stop_process(host.process, grace=20)


def test_requests_answered_by_either_worker_are_all_counted(two_workers: Host) -> None:
    with httpx.Client(base_url=two_workers.url, timeout=30) as client:
        for _ in range(12):
            with httpx.Client(base_url=two_workers.url, timeout=30) as fresh:  # a new connection each time
                assert fresh.get("/ping").status_code == 200
        scrapes = [client.get("/metrics").text for _ in range(4)]
    counts = {sample(text, "bangfu_http_requests_total", route="/ping", status="200") for text in scrapes}
    assert counts == {12.0}, "every scrape, from either worker, sums both workers' files"
    assert (two_workers.var_dir / f"metrics-{two_workers.url.rsplit(':', 1)[1]}").is_dir()
