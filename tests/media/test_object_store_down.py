"""An object store that cannot be reached, or does not answer in time, is a clear 'unavailable', never a hang."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest

from server.media.objects import S3Storage
from server.media.storage import StorageUnavailable
from server.settings import S3Settings
from tests.services import Blackhole, free_ports

SETTINGS = S3Settings(endpoint="http://127.0.0.1:1", bucket="photos", access_key="k", secret_key="s", timeout=1.0)


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    hole = Blackhole()
    yield hole
    hole.close()


def test_a_store_nobody_listens_on_is_unavailable_at_once() -> None:
    [port] = free_ports(1)
    store = S3Storage(dataclasses.replace(SETTINGS, endpoint=f"http://127.0.0.1:{port}"))
    started = time.monotonic()
    with pytest.raises(StorageUnavailable, match="put"):
        store.put(b"photo", ".jpg")
    assert time.monotonic() - started < 5


def test_a_store_that_does_not_answer_is_given_up_after_the_timeout(blackhole: Blackhole) -> None:
    store = S3Storage(dataclasses.replace(SETTINGS, endpoint=f"http://127.0.0.1:{blackhole.port}"))
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        store.get("ab/cd/abcd" + "0" * 60 + ".jpg")
    assert time.monotonic() - started < 10, "one retry at most, each bounded by BANGFU_S3_TIMEOUT"


def test_wrong_credentials_are_refused_as_unavailable(bucket: S3Storage, seaweedfs: object) -> None:
    if seaweedfs is None:
        pytest.skip("only the session's own SeaweedFS is known to check keys")
    wrong = S3Storage(dataclasses.replace(bucket.settings, secret_key="not-the-key"))
    with pytest.raises(StorageUnavailable, match="put"):
        wrong.put(b"photo", ".jpg")
