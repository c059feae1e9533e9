"""The demo studio is made once and reused."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate

from proofroom import demo
from proofroom.demo import demo_load
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.studio.images import Image
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_demo")]


def test_demo_makes_both_sides_a_login_and_sessions_with_photos() -> None:
    login = demo_load(out=io.StringIO())
    assert Studio.objects.get().name == "Northlight Studio"
    assert GalleryStudio.objects.get().slug == "northlight"
    assert authenticate(username=login.username, password=login.password) is not None
    stages = set(Session.objects.values_list("stage__name", flat=True))
    assert {"Booked", "Culling & editing", "Upload Images", "Online"} <= stages
    assert Image.objects.count() == sum(s[5] for s in demo.DEMO_SESSIONS)
    wedding = Session.objects.get(description__startswith="Ana & Sam")
    assert set(wedding.groups.values_list("name", flat=True)) == {"Ceremony", "Portraits"}


def test_second_demo_run_reuses_the_data_and_the_login(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fewer = [(*row[:5], min(row[5], 1), {}) for row in demo.DEMO_SESSIONS]
    monkeypatch.setattr(demo, "DEMO_SESSIONS", fewer)
    first = demo_load(out=io.StringIO())
    images = Image.objects.count()
    second = demo_load(out=io.StringIO())
    assert first == second
    assert Studio.objects.count() == 1 and GalleryStudio.objects.count() == 1
    assert Image.objects.count() == images
