"""The attacker's tests use the cast of tests/conftest.py (Ada, her published session) and sign
people in often: a fast hasher keeps the matrix quick (hashing is not what is tested)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
