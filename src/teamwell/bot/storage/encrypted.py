"""Secrets at rest: Fernet encryption under TEAMWELL_SECRET_KEY, as a column type.

TEAMWELL_SECRET_KEY holds one Fernet key, or several separated by commas while a key is being
replaced: the first encrypts, every one decrypts. A column of type EncryptedText is encrypted on
the way into the database and decrypted on the way out, so no code path can store it in clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

NAME = "TEAMWELL_SECRET_KEY"
HOW_TO_MAKE_ONE = ("make one with: python -c \"from cryptography.fernet import Fernet; "
                   "print(Fernet.generate_key().decode())\"")


class SecretKeyError(ValueError):
    """TEAMWELL_SECRET_KEY is missing or is not a Fernet key; one line naming it."""


class UndecryptableSecret(RuntimeError):
    """A stored secret that none of the configured keys can decrypt."""


def parse_secret_keys(raw: str | None) -> tuple[str, ...]:
    """The Fernet keys in a TEAMWELL_SECRET_KEY value (empty when unset), each checked."""
    keys = tuple(k.strip() for k in (raw or "").split(",") if k.strip())
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            which = f"key #{number}" if len(keys) > 1 else "it"
            raise SecretKeyError(f"{NAME} is malformed: {which} is not a Fernet key (32 random "
                                 f"bytes, url-safe base64); {HOW_TO_MAKE_ONE}") from exc
    return keys


def secret_box(keys: Sequence[str]) -> MultiFernet:
    """The cipher for the configured keys: the first encrypts, all of them decrypt."""
    if not keys:
        raise SecretKeyError(f"{NAME} is not set; {HOW_TO_MAKE_ONE}")
    return MultiFernet([Fernet(k) for k in keys])


class EncryptedText(TypeDecorator[str]):
    """Text stored Fernet-encrypted; reads give the plain text back."""

    impl = Text
    # The cipher is per instance and takes no part in the SQL: never share compiled statements.
    cache_ok = False

    def __init__(self, box: MultiFernet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.box = box

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Encrypt on the way in."""
        return None if value is None else self.box.encrypt(value.encode()).decode("ascii")

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Decrypt on the way out."""
        if value is None:
            return None
        try:
            return self.box.decrypt(value.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise UndecryptableSecret(
                f"a stored secret cannot be decrypted with {NAME}: was the key replaced? Put "
                "the new key first and the old one after it, separated by a comma") from exc
