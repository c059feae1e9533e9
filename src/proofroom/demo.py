"""The demo studio: sample data on both sides, made at demo time, reused on later runs.

This module stands outside both sides (like the command line) and may use each
side's services; the sides themselves never import each other.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.contrib.auth.models import User

DEMO_STUDIO = "Northlight Studio"
DEMO_OWNER = "owner"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str


def _demo_password() -> str:
    """The owner's demo password, made once per data folder and kept beside the data."""
    path = settings.DATA_DIR / "demo-login.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


def demo_load(*, out: TextIO) -> DemoLogin:
    from proofroom.gallery.tenants import Studio as GalleryStudio
    from proofroom.gallery.tenants import studio_create
    from proofroom.studio.setup import OWNER_GROUP, desk_setup, security_groups_ensure
    from proofroom.studio.studios import studio_get

    password = _demo_password()
    if studio_get() is None:
        out.write("Creating the demo studio…\n")
        desk_setup(
            studio_name=DEMO_STUDIO,
            email="hello@northlight.example",
            currency="USD",
            time_zone="America/Chicago",
        )
    security_groups_ensure()
    owner = User.objects.filter(username=DEMO_OWNER).first()
    if owner is None:
        from proofroom.studio.setup import staff_user_create

        staff_user_create(
            username=DEMO_OWNER,
            password=password,
            group=OWNER_GROUP,
            first_name="Morgan",
            email="owner@northlight.example",
        )
    elif not owner.check_password(password):
        owner.set_password(password)
        owner.save(update_fields=["password"])
    if not GalleryStudio.objects.exists():
        studio_create(
            name=DEMO_STUDIO,
            slug="northlight",
            email="hello@northlight.example",
            welcome="Portraits, weddings and families in the Twin Cities. "
            "Your photographs are waiting for you here.",
        )
    return DemoLogin(username=DEMO_OWNER, password=password)
