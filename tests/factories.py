"""Factories for desk records (factory_boy), used across the suite."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from itertools import count

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.clients import Client
from proofroom.studio.images import DerivativeStatus, Image
from proofroom.studio.pricelists import PriceList, Product, ProductCategory
from proofroom.studio.sessions import Session, SessionType, session_create
from proofroom.sync import protocol


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


# --- Invoices and web orders ------------------------------------------------------


def make_price_list(name: str = "Portrait prices") -> PriceList:
    """A web price list with a print, a canvas and a download, priced in cents."""
    price_list = PriceList.objects.create(name=name, web_enabled=True, currency="USD")
    for position, (pname, category, size, price) in enumerate(
        [
            ("Print", ProductCategory.PRINT, "8×10 in", 2500),
            ("Gallery canvas", ProductCategory.CANVAS, "16×20 in", 22500),
            ("Digital download", ProductCategory.DIGITAL, "Full resolution", 3500),
        ]
    ):
        Product.objects.create(
            price_list=price_list,
            name=pname,
            category=category,
            size=size,
            price=price,
            position=position * 10,
        )
    return price_list


def web_order(
    *,
    session: Session,
    lines: list[tuple[Product, Image | None, int]],
    number: str = "K7MQ-2XDA",
    client: Client | None = None,
    account: uuid.UUID | None = None,
    first_name: str = "Ada",
    last_name: str = "Guest",
    email: str = "",
    tax: int = 0,
    shipping: int = 0,
    payments: list[tuple[int, str, dt.datetime]] | None = None,
    placed_at: dt.datetime | None = None,
    delivery: protocol.Delivery = protocol.Delivery.PICKUP,
    ship_to: protocol.Address | None = None,
    note: str = "",
) -> protocol.OrderChange:
    """An ORDER change as the gallery emits it, for the studio's products and images."""
    order_lines = [
        protocol.OrderLine(
            uuid=uuid.uuid4(),
            product=product.uuid,
            name=product.name,
            size=product.size,
            category=product.category,
            image=image.uuid if image else None,
            image_file_name=image.file_name if image else "",
            quantity=quantity,
            unit_price=product.price,
            total=product.price * quantity,
        )
        for product, image, quantity in lines
    ]
    subtotal = sum(line.total for line in order_lines)
    placed = placed_at or dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC)
    return protocol.OrderChange(
        uuid=uuid.uuid4(),
        number=number,
        session=session.uuid,
        account=account or uuid.uuid4(),
        client=client.uuid if client else None,
        first_name=first_name,
        last_name=last_name,
        email=email,
        placed_at=placed,
        currency="USD",
        lines=order_lines,
        subtotal=subtotal,
        tax=tax,
        shipping=shipping,
        total=subtotal + tax + shipping,
        delivery=delivery,
        ship_to=ship_to,
        note=note,
        payments=[
            protocol.OrderPayment(
                uuid=uuid.uuid4(),
                gateway="stripe",
                reference=reference,
                amount=amount,
                currency="USD",
                paid_at=paid_at,
            )
            for amount, reference, paid_at in (payments or [])
        ],
    )
