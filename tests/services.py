"""Servers the tests start on loopback: SeaweedFS (an S3-compatible object store) and a PostgreSQL primary/standby pair.

Each is started once per test session, in a fresh data directory on free ports, polled until it answers (never a
blind sleep), and stopped by its own process id: SIGTERM, a grace period, then SIGKILL.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from server.media.objects import S3Storage
from server.media.storage import StorageUnavailable
from server.settings import S3Settings

WEED = Path(sys.executable).parent / "weed"


def free_ports(count: int) -> list[int]:
    """Ports free right now (held open together so they differ)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for(ready: Callable[[], bool], what: str, process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f} s")


def stop_process(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGCONT)  # a test may have paused it
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class SeaweedFS:
    """`weed server -s3` on loopback with one access key; its S3 API is up in seconds."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.access_key, self.secret_key = "bangfu-test", secrets.token_hex(16)
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> S3Settings:
        self.data_dir.mkdir(parents=True)
        config = self.data_dir / "s3.json"
        identity = {"name": "bangfu", "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"]}  # fmt: skip
        config.write_text(json.dumps({"identities": [identity]}))
        s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc = free_ports(8)
        self.port = s3
        command = [
            str(WEED), "server", f"-dir={self.data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=16",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}",
            f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
            f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ]  # fmt: skip
        log = (self.data_dir / "weed.log").open("wb")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        settings = self.settings("bangfu-test")
        store = S3Storage(settings)
        wait_for(lambda: _bucket_ready(store), "SeaweedFS", self.process, timeout=60)
        return settings

    def settings(self, bucket: str, prefix: str = "") -> S3Settings:
        return S3Settings(
            endpoint=f"http://127.0.0.1:{self.port}",
            bucket=bucket,
            prefix=prefix,
            access_key=self.access_key,
            secret_key=self.secret_key,
            timeout=2.0,
        )

    def pause(self) -> None:
        """Stop the store without ending it (SIGSTOP): connections hang, as with a store that stopped answering."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace=2.0)  # its data dir is thrown away: no need to wait for a clean stop


def _bucket_ready(store: S3Storage) -> bool:
    """The bucket exists (made now if needed) and takes a write."""
    try:
        store.ensure_bucket()
        store.put(b"ready", ".jpg")
    except StorageUnavailable:
        return False
    return True


def s3_settings_from_environment() -> S3Settings | None:
    """BANGFU_TEST_S3_ENDPOINT (with _BUCKET, _ACCESS_KEY, _SECRET_KEY, _REGION): run the tests on that store."""
    endpoint = os.environ.get("BANGFU_TEST_S3_ENDPOINT")
    if not endpoint:
        return None
    return S3Settings(
        endpoint=endpoint.rstrip("/"),
        bucket=os.environ.get("BANGFU_TEST_S3_BUCKET", "bangfu-test"),
        access_key=os.environ.get("BANGFU_TEST_S3_ACCESS_KEY", ""),
        secret_key=os.environ.get("BANGFU_TEST_S3_SECRET_KEY", ""),
        region=os.environ.get("BANGFU_TEST_S3_REGION", "us-east-1"),
        timeout=float(os.environ.get("BANGFU_TEST_S3_TIMEOUT", "5")),
    )


class Blackhole:
    """A TCP port on loopback that accepts connections and never answers: a store that became too slow."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:  # closed
                return
            self.held.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.held:
            connection.close()


def s3_environment(settings: S3Settings) -> dict[str, str]:
    """The variables that point a `bangfu` process at this bucket and prefix."""
    return {
        "BANGFU_STORAGE": "s3",
        "BANGFU_S3_ENDPOINT": settings.endpoint,
        "BANGFU_S3_BUCKET": settings.bucket,
        "BANGFU_S3_PREFIX": settings.prefix,
        "BANGFU_S3_ACCESS_KEY": settings.access_key,
        "BANGFU_S3_SECRET_KEY": settings.secret_key,
        "BANGFU_S3_REGION": settings.region,
        "BANGFU_S3_TIMEOUT": str(settings.timeout),
    }


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class StreamingPair:
    """A PostgreSQL 15 primary and a hot standby made from it with `pg_basebackup -R`, both on loopback.

    initdb and pg_ctl refuse root, so as root they run as the `postgres` user, in a directory it owns.
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="bangfu-replica-"))
        self.primary_dir, self.standby_dir = self.root / "primary", self.root / "standby"
        self.primary_port, self.standby_port = free_ports(2)
        self.started: list[Path] = []

    def run(self, program: str, *args: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_postgres, str(PG_BIN / program), *args], check=True, capture_output=True, timeout=120)

    def start(self) -> tuple[str, str]:
        """Both servers up, the standby streaming; returns their server URLs."""
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.run("initdb", "-D", str(self.primary_dir), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.pg_ctl_start(self.primary_dir, self.primary_port)
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.standby_dir), "-R", "-X", "stream", "--no-sync")  # fmt: skip
        self.pg_ctl_start(self.standby_dir, self.standby_port)
        return self.url(self.primary_port), self.url(self.standby_port)

    def pg_ctl_start(self, data_dir: Path, port: int) -> None:
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} -c fsync=off"
        self.run(
            "pg_ctl", "-D", str(data_dir), "-o", options, "-l", str(self.root / f"{data_dir.name}.log"), "-w", "start"
        )
        self.started.append(data_dir)

    @staticmethod
    def url(port: int) -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def stop(self) -> None:
        for data_dir in reversed(self.started):
            with contextlib.suppress(subprocess.CalledProcessError):  # already down
                self.run("pg_ctl", "-D", str(data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
