"""The demo studio: sample data on both sides, made at demo time, reused on later runs.

This module stands outside both sides (like the command line) and may use each
side's services; the sides themselves never import each other.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.models import User
from django_tasks import task

DEMO_STUDIO = "Northlight Studio"
DEMO_OWNER = "owner"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    client_username: str = ""
    client_password: str = ""


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
    from proofroom.studio.letters.services import letters_demo_setup
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
    letters_demo_setup()  # the first sync mails the client, into the data folder's outbox
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
    from proofroom.studio.sessions import Session

    if not Session.objects.exists():
        _demo_desk(out)
    _demo_automatic_tasks()
    online = _demo_online_session()
    client = online.client if online else None
    return DemoLogin(
        username=DEMO_OWNER,
        password=password,
        client_username=client.email if client else "",
        client_password=client.last_name if client else "",
    )


def _demo_automatic_tasks() -> None:
    """A downloaded web order gives the owner (the Owner group) a task, once set up."""
    from django.contrib.auth.models import Group

    from proofroom.studio.setup import OWNER_GROUP
    from proofroom.studio.todos.models import TodoEvent, TodoRule
    from proofroom.studio.todos.rules import todo_rule_update

    if not TodoRule.objects.filter(event=TodoEvent.WEB_ORDER).exists():
        todo_rule_update(
            event=TodoEvent.WEB_ORDER,
            enabled=True,
            title="Process the web order",
            assigned_group=Group.objects.get(name=OWNER_GROUP),
            due_in_days=2,
        )


ONLINE_SESSION_STAGE = "Online"


def _demo_online_session() -> Any:
    from proofroom.studio.sessions import Session

    return (
        Session.objects.filter(stage__name=ONLINE_SESSION_STAGE)
        .select_related("client")
        .order_by("number")
        .first()
    )


def demo_connect_and_publish(*, base_url: str) -> None:
    """Point the desk at this process's gallery and queue the upload of the online session.

    Called once the server listens: the sync is a real HTTP request to it, made by
    the background worker, as it would be to a gallery on the internet.
    """
    from proofroom.gallery.tenants import Studio as GalleryStudio
    from proofroom.gallery.tenants import api_key_create
    from proofroom.studio.derivatives import image_derivatives_make
    from proofroom.studio.images import DerivativeStatus, Image
    from proofroom.studio.online import EventType, OnlineSettings, session_mark_for_upload
    from proofroom.studio.studios import studio_get, studio_update
    from proofroom.studio.synchronizer.runs import SyncKind, SyncTrigger

    studio = studio_get()
    if studio is None:
        return
    key = studio.gallery_api_key
    if not key:
        gallery_studio = GalleryStudio.objects.order_by("pk").first()
        if gallery_studio is None:
            return
        key = api_key_create(studio=gallery_studio, label="demo desk")
    studio_update(studio=studio, gallery_url=base_url, gallery_api_key=key)
    session = _demo_online_session()
    if session is None or OnlineSettings.objects.filter(session=session).exists():
        return
    for image_id in (
        Image.objects.filter(session=session)
        .exclude(status=DerivativeStatus.READY)
        .values_list("pk", flat=True)
    ):
        image_derivatives_make(image_id=image_id)
    session_mark_for_upload(
        session=session,
        image_ids=list(Image.objects.filter(session=session).values_list("pk", flat=True)),
        online_group_ids=[],
        days_active=session.session_type.days_active,
        price_list=session.session_type.web_price_list,
        event_type=EventType.PRIVATE,
        event_code="PARK2026",
        event_description="An autumn afternoon by the falls: the whole family, and the dog.",
    )
    from django.db import transaction

    from proofroom.studio.synchronizer.runs import sync_claim

    studio_update(
        studio=studio, tax_rate=688, tax_label="Sales tax", shipping_fee=800
    )  # Minnesota's 6.875 %, rounded to basis points; $8 shipping
    run = sync_claim(
        kinds=[SyncKind.SESSIONS, SyncKind.CLIENTS, SyncKind.PRICE_LISTS], trigger=SyncTrigger.DEMO
    )
    transaction.on_commit(lambda: demo_publish_and_order.enqueue(run.pk))


@task(queue_name="sync")
def demo_publish_and_order(run_id: int) -> int:
    """The demo's first sync, then a few web orders on the gallery, waiting for the desk's
    Download Orders. Runs on the worker: the sync is an HTTP request to this server."""
    from proofroom.studio.synchronizer.runner import sync_run_execute
    from proofroom.studio.synchronizer.runs import SyncStatus

    run = sync_run_execute(run_id=run_id)
    if run.status != SyncStatus.SUCCEEDED:
        return 0
    return demo_orders_place()


def demo_orders_place() -> int:
    """Sample web orders for the published session: two by its client, one by a guest.
    Placed once; returns how many were placed now."""
    from proofroom.gallery.accounts import Account, account_guest_create
    from proofroom.gallery.events import OnlineSession
    from proofroom.gallery.store.carts import cart_add, cart_for
    from proofroom.gallery.store.models import Order
    from proofroom.gallery.store.orders import order_place
    from proofroom.gallery.store.packages import cart_line_package, cart_line_pick

    desk_session = _demo_online_session()
    if desk_session is None:
        return 0
    session = (
        OnlineSession.objects.filter(uuid=desk_session.uuid)
        .select_related("studio", "price_list")
        .first()
    )
    if session is None or session.price_list is None:
        return 0
    if Order.objects.filter(studio=session.studio).exists():
        return 0
    client = Account.objects.get(studio=session.studio, client_uuid=desk_session.client.uuid)
    guest = Account.objects.filter(studio=session.studio, email="grandma.park@example.com").first()
    if guest is None:
        guest = account_guest_create(
            studio_id=session.studio_id,
            first_name="June",
            last_name="Park",
            email="grandma.park@example.com",
            password=secrets.token_urlsafe(16),
            session_uuid=session.uuid,
        )
    products = {(p.name, p.size): p.uuid for p in session.price_list.products.all()}
    images = list(session.images.order_by("position"))
    baskets = [
        (client, [(("Print", "8×10 in"), 0, 2), (("Gallery canvas", "16×20 in"), 3, 1)], "ship"),
        (client, [(("Digital download", "Full resolution"), 5, 1)], "none"),
        (
            guest,
            [
                (("Print", "5×7 in"), 1, 4),
                (("Print", "11×14 in"), 2, 1),
                (("Wall & album package", ""), 4, 1),
            ],
            "pickup",
        ),
    ]
    address = {
        "street": "410 Lake St",
        "city": "Minneapolis",
        "region": "MN",
        "postal_code": "55408",
        "country": "USA",
    }
    placed = 0
    for account, lines, delivery in baskets:
        for key, image, quantity in lines:
            if key not in products:
                continue
            line = cart_add(
                account=account,
                session=session,
                product_uuid=products[key],
                image=images[image % len(images)],
                quantity=quantity,
            )
            if key == ("Wall & album package", ""):
                # The two 8x10 prints of the package from two other photographs.
                slots = [s.key for s in cart_line_package(line)[1] if s.size == "8×10 in"]
                picks = {
                    slot: str(images[(6 + n) % len(images)].uuid) for n, slot in enumerate(slots)
                }
                cart_line_pick(line=line, picks=picks)
        order_place(
            cart=cart_for(account=account, session=session),
            delivery=delivery,
            address=address if delivery == "ship" else None,
            note="Could the canvas have a thin black edge?" if delivery == "ship" else "",
        )
        placed += 1
    return placed


DEMO_PHOTO_SIZE = (2400, 1600)

DEMO_CLIENTS = [
    (
        "Ana",
        "Souza",
        "ana.souza@example.com",
        "+1 651 555 0142",
        "1820 Grand Ave",
        "Saint Paul",
        "MN",
    ),
    ("Leo", "Park", "leo.park@example.com", "+1 612 555 0199", "410 Lake St", "Minneapolis", "MN"),
    ("Grace", "Okafor", "grace.okafor@example.com", "+1 952 555 0117", "77 Elm Ct", "Edina", "MN"),
    ("Tomas", "Lindqvist", "tomas.l@example.com", "+1 763 555 0160", "9 Birch Rd", "Anoka", "MN"),
    (
        "Mei",
        "Nakamura",
        "mei.nakamura@example.com",
        "+1 651 555 0184",
        "250 River Rd",
        "Stillwater",
        "MN",
    ),
    (
        "Ruth",
        "O'Brien",
        "ruth.obrien@example.com",
        "+1 612 555 0123",
        "5 Summit Pl",
        "Saint Paul",
        "MN",
    ),
]

# (client index, type, days ago, description, stage, photos, groups)
DEMO_SESSIONS = [
    (
        0,
        "Wedding",
        12,
        "Ana & Sam — wedding at the Como Conservatory",
        "Upload Images",
        16,
        {"Ceremony": range(0, 6), "Portraits": range(6, 12)},
    ),
    (1, "Family portrait", 20, "Park family at Minnehaha Falls", "Online", 10, {}),
    (2, "Senior portrait", 6, "Grace — senior portraits downtown", "Culling & editing", 12, {}),
    (3, "Newborn", 35, "Baby Elsa", "Ordered", 8, {"Favourites": range(0, 3)}),
    (4, "Family portrait", -9, "Nakamura family — autumn mini session", "Booked", 0, {}),
    (5, "Senior portrait", 3, "Ruth — studio headshots", "Photographed", 6, {}),
]


def _demo_desk(out: TextIO) -> None:
    """Clients, session types, a price list and sessions at several stages, with photos."""
    import datetime as dt

    from proofroom.imaging.samples import make_sample_photo
    from proofroom.studio.clients import client_create
    from proofroom.studio.dates import studio_today
    from proofroom.studio.images import Image, Rating
    from proofroom.studio.imports import session_import_files
    from proofroom.studio.pricelists import pricelist_load_sample
    from proofroom.studio.sessions import SessionType, session_create
    from proofroom.studio.workflow import WorkflowStage

    out.write("Making sample clients, sessions and photos…\n")
    price_list = pricelist_load_sample(currency="USD")
    types = {
        name: SessionType.objects.get_or_create(
            name=name, defaults={"web_price_list": price_list, "days_active": days}
        )[0]
        for name, days in (
            ("Wedding", 60),
            ("Family portrait", 30),
            ("Senior portrait", 45),
            ("Newborn", 30),
        )
    }
    clients = [
        client_create(
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            street=street,
            city=city,
            region=region,
            country="USA",
        )
        for first, last, email, phone, street, city, region in DEMO_CLIENTS
    ]
    photos_root = settings.DATA_DIR / "demo-photos"
    today = studio_today()
    for index, (ci, kind, days_ago, description, stage_name, count, groups) in enumerate(
        DEMO_SESSIONS
    ):
        session = session_create(
            client=clients[ci],
            session_type=types[kind],
            date=today - dt.timedelta(days=days_ago),
            description=description,
            stage=WorkflowStage.objects.get(name=stage_name),
        )
        folder = photos_root / str(session.number)
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for n in range(count):
            portrait = (n + index) % 3 == 0
            long, short = DEMO_PHOTO_SIZE
            size = (short, long) if portrait else (long, short)
            path = folder / f"{session.client.last_name}_{n + 1:03d}.jpg"
            if not path.exists():
                make_sample_photo(path, width=size[0], height=size[1], seed=index * 100 + n)
            files.append((path, path.name))
        session_import_files(session=session, files=files)
        images = list(Image.objects.filter(session=session).order_by("position"))
        for n, image in enumerate(images):
            if stage_name != "Photographed":
                image.rating = (Rating.SELECTED, Rating.UNDECIDED, Rating.NOT_SELECTED)[n % 3]
        Image.objects.bulk_update(images, ["rating"])
        for group_name, members in groups.items():
            group = session.groups.create(name=group_name, show_online=True)
            group.images.add(*[images[i] for i in members if i < len(images)])
        out.write(f"  #{session.number} {description}: {count} photos\n")
