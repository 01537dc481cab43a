"""Photos in an S3-compatible object store (SeaweedFS, MinIO, Ceph RGW, the clouds' object storage) via `minio`.

Object names are the storage prefix plus the content key, so one bucket can hold several deployments. Every write
is checked by the store itself (the client signs the payload's SHA-256 over HTTP and sends Content-MD5 over HTTPS),
and the key is the SHA-256 of the bytes, so any copy can be verified against its own name.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error
from urllib3.exceptions import HTTPError

from server.media.storage import CONTENT_TYPES, LocalStorage, StorageUnavailable, StoredObject, content_key, is_key
from server.observability.metrics import OBJECT_STORE_ERRORS
from server.settings import S3Settings

MISSING = {"NoSuchKey", "NoSuchObject", "NotFound"}
RETRIES_ON = (500, 502, 503, 504)


def client_of(settings: S3Settings) -> Minio:
    """A client with short timeouts: a cadre waits for the answer, and the phone keeps the visit when there is none."""
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=min(3.0, settings.timeout), read=settings.timeout),
        maxsize=16,
        retries=urllib3.Retry(total=1, backoff_factor=0.2, status_forcelist=RETRIES_ON, allowed_methods=None),
    )
    return Minio(
        settings.host,
        access_key=settings.access_key or None,
        secret_key=settings.secret_key or None,
        secure=settings.secure,
        region=settings.region,
        http_client=http,
    )


class S3Storage:
    """The Storage interface on one bucket (and prefix) of an S3-compatible store."""

    def __init__(self, settings: S3Settings, fallback: LocalStorage | None = None) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        self.client = client_of(settings)
        # Until `bangfu storage migrate` has copied everything, photos still on the local disk are read from there.
        self.fallback = fallback

    def __str__(self) -> str:
        return f"{self.settings.endpoint}/{self.bucket}/{self.prefix}"

    def object_name(self, key: str) -> str:
        if not is_key(key):
            raise KeyError(key)
        return self.prefix + key

    def put(self, data: bytes, suffix: str) -> str:
        """Always written (again): writing the same bytes refreshes the object's time, so no sweep takes it now."""
        key = content_key(data, suffix)
        with unavailable_on_error("put"):
            self.client.put_object(
                self.bucket, self.prefix + key, io.BytesIO(data), len(data), content_type=CONTENT_TYPES[suffix]
            )
        return key

    def get(self, key: str) -> bytes:
        name = self.object_name(key)
        try:
            with unavailable_on_error("get"):
                response = self.client.get_object(self.bucket, name)
                try:
                    return response.read()
                finally:
                    response.close()
                    response.release_conn()
        except KeyError:
            if self.fallback is not None:
                return self.fallback.get(key)
            raise

    def exists(self, key: str) -> bool:
        if not is_key(key):
            return False
        try:
            with unavailable_on_error("stat"):
                self.client.stat_object(self.bucket, self.prefix + key)
        except KeyError:
            return False
        return True

    def etag(self, key: str) -> str | None:
        """The store's ETag of `key` (the MD5 of the bytes for a single-part upload), None when it is absent."""
        try:
            with unavailable_on_error("stat"):
                return str(self.client.stat_object(self.bucket, self.object_name(key)).etag or "").strip('"')
        except KeyError:
            return None

    def delete(self, key: str) -> None:
        with unavailable_on_error("delete"):
            self.client.remove_object(self.bucket, self.object_name(key))

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        with unavailable_on_error("list"):
            for item in self.client.list_objects(self.bucket, prefix=self.prefix + prefix, recursive=True):
                key = str(item.object_name)[len(self.prefix) :]
                if is_key(key):
                    modified = item.last_modified.timestamp() if item.last_modified else time.time()
                    yield StoredObject(key, int(item.size or 0), modified)

    def ensure_bucket(self) -> bool:
        """Create the bucket unless it exists; True when it was created."""
        with unavailable_on_error("bucket"):
            if self.client.bucket_exists(self.bucket):
                return False
            self.client.make_bucket(self.bucket)
            return True


@contextmanager
def unavailable_on_error(operation: str) -> Iterator[None]:
    """Turn the client's failures into KeyError (no such key) or StorageUnavailable (anything else), counted."""
    try:
        yield
    except S3Error as error:
        if error.code in MISSING:
            raise KeyError(error.code) from None
        OBJECT_STORE_ERRORS.labels(operation).inc()
        raise StorageUnavailable(f"object store {operation}: {error.code}: {error.message}") from error
    except (MinioException, HTTPError, OSError, ValueError) as error:
        OBJECT_STORE_ERRORS.labels(operation).inc()
        raise StorageUnavailable(f"object store {operation}: {type(error).__name__}: {error}") from error
