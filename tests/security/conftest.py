"""The attacker's tests reuse the gallery's cast (Ada, her published session) and sign
people in often: a fast hasher keeps the matrix quick (hashing is not what is tested)."""

from __future__ import annotations

import pytest

from tests.gallery.conftest import ada, published  # noqa: F401  (fixtures reused, not copied)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
