"""Settings read once from the environment into a frozen dataclass."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(var_dir: Path) -> str:
    """Use BANGFU_SECRET_KEY, else a key kept under var/ so restarts keep CSRF tokens valid."""
    if key := os.environ.get("BANGFU_SECRET_KEY"):
        return key
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    """Everything configurable; see README "Configuration"."""

    database_url: str | None
    var_dir: Path
    secret_key: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    secure_cookies: bool = False
    session_idle_minutes: int = 30
    debug: bool = False
    default_locale: str = "zh_CN"
    app_database_url: str | None = field(default=None, repr=False)  # the app's own role; derived when unset

    @property
    def embedded_data_dir(self) -> Path:
        return self.var_dir / "pgdata"

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = Path(os.environ.get("BANGFU_VAR_DIR", ROOT / "var")).resolve()
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            var_dir=var_dir,
            secret_key=_secret_key(var_dir),
            host=os.environ.get("BANGFU_HOST", "127.0.0.1"),
            port=int(os.environ.get("BANGFU_PORT", "8000")),
            workers=int(os.environ.get("BANGFU_WORKERS", "1")),
            secure_cookies=_flag("BANGFU_SECURE_COOKIES"),
            session_idle_minutes=int(os.environ.get("BANGFU_SESSION_IDLE_MINUTES", "30")),
            debug=_flag("BANGFU_DEBUG"),
            app_database_url=os.environ.get("BANGFU_APP_DATABASE_URL") or None,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
