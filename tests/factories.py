"""Factories for desk records (factory_boy), used across the suite."""

from __future__ import annotations

import datetime as dt
import hashlib
from itertools import count

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.clients import Client
from proofroom.studio.images import DerivativeStatus, Image
from proofroom.studio.sessions import Session, SessionType, session_create


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Sequence(lambda n: f"Jamie{n}")
    last_name = factory.Iterator(["Rivera", "Okafor", "Lindqvist", "Nakamura", "O'Brien"])
    email = factory.LazyAttribute(lambda c: f"{c.first_name.lower()}@example.com")
    phone = "+1 612 555 0100"
    city = "Saint Paul"


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionType
        django_get_or_create = ("name",)

    name = "Family portrait"
    days_active = 30


def make_session(
    *, client: Client | None = None, description: str = "", date: dt.date | None = None
) -> Session:
    """A session through the real service, at the workflow's first stage."""
    return session_create(
        client=client or ClientFactory(),
        session_type=SessionTypeFactory(),
        date=date or dt.date(2026, 11, 20),
        description=description,
    )


_serial = count()


def make_images(
    session: Session, n: int, *, ready: bool = False, prefix: str = "IMG_"
) -> list[Image]:
    """Image rows made directly, without the import; ready ones get a real thumbnail and preview."""
    images = []
    for _ in range(n):
        i = next(_serial)
        fields: dict[str, object] = {}
        if ready:
            preview = make_sample_photo(width=1200, height=800, seed=i, quality=80, grain=2.0)
            thumb = make_sample_photo(width=400, height=267, seed=i, quality=80, grain=2.0)
            fields = {
                "status": DerivativeStatus.READY,
                "preview_key": default_storage.save(f"test/{i}-p.jpg", ContentFile(preview)),
                "thumbnail_key": default_storage.save(f"test/{i}-t.jpg", ContentFile(thumb)),
                "preview_width": 1200,
                "preview_height": 800,
            }
        images.append(
            Image.objects.create(
                session=session,
                file_name=f"{prefix}{i:04d}.jpg",
                position=i,
                sha256=hashlib.sha256(str(i).encode()).hexdigest(),
                original_key="x",
                size_bytes=1,
                format="jpeg",
                width=6000,
                height=4000,
                **fields,  # type: ignore[arg-type]
            )
        )
    return images
