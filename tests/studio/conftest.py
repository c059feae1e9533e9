"""The desk's fixtures used only here (the cast, ``desk`` and ``session`` included, is in
``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from proofroom.studio.images import Image
from proofroom.studio.sessions import Session
from tests.factories import make_images


@pytest.fixture
def images(session: Session) -> list[Image]:
    """Three image rows of the session (no files)."""
    return make_images(session, 3)
