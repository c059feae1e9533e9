"""The demo studio is made once and reused."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate

from proofroom.demo import demo_load
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.studio.studios import Studio

pytestmark = pytest.mark.django_db


def test_demo_makes_a_studio_on_both_sides_and_a_working_login(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    login = demo_load(out=io.StringIO())
    assert Studio.objects.get().name == "Northlight Studio"
    assert GalleryStudio.objects.get().slug == "northlight"
    assert authenticate(username=login.username, password=login.password) is not None


def test_second_demo_run_reuses_the_data_and_the_login(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    first = demo_load(out=io.StringIO())
    second = demo_load(out=io.StringIO())
    assert first == second
    assert Studio.objects.count() == 1 and GalleryStudio.objects.count() == 1
