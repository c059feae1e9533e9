"""Secrets kept in a database, sealed with a key that is not in it.

A studio's card-gateway key must be readable by the gallery, so it cannot be hashed like
a password; it is encrypted instead (Fernet: AES-128-CBC with an HMAC-SHA256, from the
``cryptography`` library) with ``settings.SECRETS_KEYS``. A database dump or backup then
holds only sealed values: without the key (an environment variable, or a file in the
data folder that the backup of the database does not contain) they are noise.

Sealed values read ``sealed:v1:<token>``. Anything else is a value from before sealing
and reads as itself until it is sealed again (the migration seals what it finds).
To rotate: put a new key first in ``PROOFROOM_SECRETS_KEY``, keep the old one after it,
run ``proofroom gallery reseal``, then drop the old key.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "sealed:v1:"


class UnsealError(Exception):
    """A sealed value that none of the configured keys opens."""


@lru_cache(maxsize=4)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current_box() -> MultiFernet:
    return _box(tuple(settings.SECRETS_KEYS))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(plain: str) -> str:
    """The value to store for ``plain`` ("" stays "", so "not set" stays visible)."""
    if not plain:
        return ""
    return PREFIX + _current_box().encrypt(plain.encode()).decode("ascii")


def unseal(stored: str) -> str:
    """The secret a stored value holds; raises UnsealError when no key opens it."""
    if not is_sealed(stored):
        return stored
    try:
        return _current_box().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken as exc:
        raise UnsealError(
            "a stored secret was sealed with a key this server does not have: set "
            "PROOFROOM_SECRETS_KEY (or the data folder's secrets_key) to the key it was "
            "sealed with, or enter the secret again"
        ) from exc


def reseal(stored: str) -> str:
    """The same secret sealed with the newest key (a value from before sealing is sealed)."""
    if not stored:
        return ""
    if not is_sealed(stored):
        return seal(stored)
    try:
        token = _current_box().rotate(stored[len(PREFIX) :].encode("ascii"))
    except InvalidToken as exc:
        raise UnsealError("a stored secret opens with none of the configured keys") from exc
    return PREFIX + token.decode("ascii")
