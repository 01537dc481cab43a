"""Password hashing (argon2id) and the 等保 level-2 password policy."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.i18n import N_

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults

# A valid hash of nothing, verified against when the user is unknown, so both paths take as long.
_DUMMY_HASH = _hasher.hash("bangfu-timing-equaliser")

MIN_LENGTH = 8
CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str, username: str = "") -> str | None:
    """The reason a password is refused (a msgid), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return N_("The password must have at least 8 characters.")
    classes = sum(any(c in chars for c in password) for chars in CLASSES)
    classes += any(not c.isalnum() for c in password)
    if classes < 3:
        return N_("Use at least three of: lower-case letters, upper-case letters, digits, symbols.")
    lowered = password.lower()
    if lowered in common_passwords() or (username and username.lower() in lowered):
        return N_("This password is too common or contains the username; choose another.")
    return None
