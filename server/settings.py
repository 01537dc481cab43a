"""Settings read once from the environment into a frozen dataclass."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.1/32,::1/128"


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _networks(value: str) -> tuple[Network, ...]:
    """A comma-separated list of addresses or CIDR ranges ("10.0.0.0/8, 127.0.0.1")."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class S3Settings:
    """An S3-compatible bucket for photos (BANGFU_STORAGE=s3); see README "Photos in object storage"."""

    endpoint: str  # http(s)://host:port
    bucket: str
    prefix: str = ""  # e.g. "bangfu/" when the bucket is shared
    access_key: str = field(default="", repr=False)
    secret_key: str = field(default="", repr=False)
    region: str = "us-east-1"
    timeout: float = 10.0  # seconds to wait for the store before a visit is refused with "try again later"

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).netloc

    @property
    def secure(self) -> bool:
        return urlsplit(self.endpoint).scheme == "https"

    @classmethod
    def from_env(cls) -> S3Settings:
        endpoint, bucket = os.environ.get("BANGFU_S3_ENDPOINT", ""), os.environ.get("BANGFU_S3_BUCKET", "")
        if not endpoint.startswith(("http://", "https://")) or not bucket:
            raise ValueError("BANGFU_STORAGE=s3 needs BANGFU_S3_ENDPOINT (http:// or https://) and BANGFU_S3_BUCKET")
        prefix = os.environ.get("BANGFU_S3_PREFIX", "").strip("/")
        return cls(
            endpoint=endpoint.rstrip("/"),
            bucket=bucket,
            prefix=prefix + "/" if prefix else "",
            access_key=os.environ.get("BANGFU_S3_ACCESS_KEY") or os.environ.get("AWS_ACCESS_KEY_ID", ""),
            secret_key=os.environ.get("BANGFU_S3_SECRET_KEY") or os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            region=os.environ.get("BANGFU_S3_REGION", "us-east-1"),
            timeout=float(os.environ.get("BANGFU_S3_TIMEOUT", "10")),
        )


@dataclass(frozen=True)
class Settings:
    """Everything configurable; see README "Configuration"."""

    database_url: str | None
    var_dir: Path
    # None: generated once and kept in the database, so every host and worker signs with the same key.
    secret_key: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    secure_cookies: bool = False
    session_idle_minutes: int = 30
    debug: bool = False
    default_locale: str = "zh_CN"
    s3: S3Settings | None = None  # None: photos on the local disk under var/media
    standby_url: str | None = None  # a hot standby that figure pages may read from
    standby_max_lag_seconds: float = 30.0
    db_pool_size: int = 10
    db_statement_cache_size: int = 100  # 0 behind PgBouncer in transaction mode
    metrics_allow: tuple[Network, ...] = _networks(LOOPBACK)
    trusted_proxies: tuple[Network, ...] = ()
    log_format: str = "json"
    app_database_url: str | None = field(default=None, repr=False)  # the app's own role; derived when unset

    @property
    def embedded_data_dir(self) -> Path:
        return self.var_dir / "pgdata"

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = Path(os.environ.get("BANGFU_VAR_DIR", ROOT / "var")).resolve()
        storage = os.environ.get("BANGFU_STORAGE", "local").strip().lower()
        if storage not in ("local", "s3"):
            raise ValueError("BANGFU_STORAGE is 'local' or 's3'")
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            var_dir=var_dir,
            secret_key=os.environ.get("BANGFU_SECRET_KEY") or None,
            host=os.environ.get("BANGFU_HOST", "127.0.0.1"),
            port=int(os.environ.get("BANGFU_PORT", "8000")),
            workers=int(os.environ.get("BANGFU_WORKERS", "1")),
            secure_cookies=_flag("BANGFU_SECURE_COOKIES"),
            session_idle_minutes=int(os.environ.get("BANGFU_SESSION_IDLE_MINUTES", "30")),
            debug=_flag("BANGFU_DEBUG"),
            s3=S3Settings.from_env() if storage == "s3" else None,
            standby_url=os.environ.get("DATABASE_STANDBY_URL") or None,
            standby_max_lag_seconds=float(os.environ.get("BANGFU_STANDBY_MAX_LAG_SECONDS", "30")),
            db_pool_size=int(os.environ.get("BANGFU_DB_POOL_SIZE", "10")),
            db_statement_cache_size=int(os.environ.get("BANGFU_DB_STATEMENT_CACHE_SIZE", "100")),
            metrics_allow=_networks(os.environ.get("BANGFU_METRICS_ALLOW", LOOPBACK)),
            trusted_proxies=_networks(os.environ.get("BANGFU_TRUSTED_PROXIES", "")),
            log_format=os.environ.get("BANGFU_LOG_FORMAT", "json").strip().lower(),
            app_database_url=os.environ.get("BANGFU_APP_DATABASE_URL") or None,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
