"""The attacker's cast, built once per test: client A (Ada) owns one of everything the
gallery keeps per person; client B (Bea) of the same studio, a guest, a rival studio's
client and the rival's sync key try to reach it.

Built through the real services (the sync's publishing, the store's cart and checkout),
reusing the gallery's own fixtures' helpers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import Invitation, OnlineSession
from proofroom.gallery.prepaid import PrepaidOrder, prepaid_put
from proofroom.gallery.selections import ClientGroup, client_group_add, client_group_create
from proofroom.gallery.store.carts import CartLine, cart_add, cart_for
from proofroom.gallery.store.models import Order
from proofroom.gallery.store.orders import order_place
from proofroom.gallery.tenants import Studio, api_key_create, studio_create
from proofroom.sync import protocol
from tests.cast import (
    CSRF_TOKEN,
    Published,
    make_client,
    make_guest,
    publish,
    sign_in,
    today,
)
from tests.gallery.shop import PACKAGE, PRINT_5X7, PRINT_8X10, price_list, selling

CODE = "ADA-PRIVATE-7"


@dataclass
class Cast:
    studio: Studio
    rival: Studio
    ada: Account
    bea: Account
    guest: Account
    rex: Account  # the rival studio's client
    shop: Published  # Ada's client-only session, selling from a price list, with a yearbook
    private: Published  # Ada's private event (guests sign up on it, with its code)
    group: ClientGroup
    doomed_group: ClientGroup  # deleted by Ada's own probe
    line: CartLine
    package_line: CartLine
    order: Order
    prepaid: PrepaidOrder
    invitation: Invitation
    public: Published  # Ada's public event, selling: the guest's own things are on it
    guest_group: ClientGroup
    guest_doomed_group: ClientGroup
    guest_line: CartLine
    guest_package_line: CartLine
    guest_order: Order
    key: str  # our studio's sync key
    rival_key: str

    def client_for(self, who: str) -> Client:
        """A browser for one member of the cast, signed in where they have a login."""
        browser = Client()
        account = {"ada": self.ada, "bea": self.bea, "guest": self.guest, "rex": self.rex}.get(who)
        if account is not None:
            sign_in(browser, account)
        return browser


def build_cast() -> Cast:
    studio = studio_create(
        name="Northlight Studio", slug="northlight", email="hello@northlight.example"
    )
    rival = studio_create(name="Rival Portraits", slug="rival")
    ada = make_client(studio)
    bea = make_client(studio, first="Bea", last="Berg", email="bea@berg.example")
    rex = make_client(rival, first="Rex", last="Rival", email="rex@rival.example")
    guest = make_guest(studio)
    prices = price_list(studio)
    shop = selling(publish(studio, ada, images=6, title="Ada's portraits"), prices)
    OnlineSession.objects.filter(pk=shop.session.pk).update(
        yearbook_deadline=today() + dt.timedelta(days=20),
        yearbook_images=[str(image.uuid) for image in shop.images[:3]],
    )
    shop.session.refresh_from_db()
    private = publish(
        studio,
        ada,
        images=2,
        event_type=protocol.EventType.PRIVATE,
        code=CODE,
        title="Ada's private party",
        first_seed=20,
    )
    image = shop.session.images.get(uuid=shop.images[0].uuid)
    cart_add(account=ada, session=shop.session, product_uuid=PRINT_8X10, image=image, quantity=1)
    order = order_place(cart=cart_for(account=ada, session=shop.session), delivery="pickup")
    line = cart_add(
        account=ada, session=shop.session, product_uuid=PRINT_5X7, image=image, quantity=1
    )
    package_line = cart_add(
        account=ada, session=shop.session, product_uuid=PACKAGE, image=image, quantity=1
    )
    prepaid = prepaid_put(
        studio=studio,
        data=protocol.PrepaidOrder(
            uuid=uuid.uuid4(),
            number=1042,
            client=ada.client_uuid or uuid.uuid4(),
            session=shop.session.uuid,
            currency="USD",
            total=5000,
            paid=5000,
            items=[protocol.PrepaidItem(uuid=uuid.uuid4(), name="Print", quantity=1)],
        ),
    )
    shop.session.studio = studio
    invitation = Invitation.objects.create(
        session=shop.session, email="aunt@souza.example", invited_by=ada
    )
    public = selling(
        publish(
            studio,
            ada,
            images=3,
            event_type=protocol.EventType.PUBLIC,
            title="Harbour 10K",
            first_seed=30,
        ),
        prices,
    )
    public.session.studio = studio
    seen = public.session.images.get(uuid=public.images[0].uuid)
    cart_add(account=guest, session=public.session, product_uuid=PRINT_8X10, image=seen, quantity=1)
    guest_order = order_place(
        cart=cart_for(account=guest, session=public.session), delivery="pickup"
    )
    guest_line = cart_add(
        account=guest, session=public.session, product_uuid=PRINT_5X7, image=seen, quantity=1
    )
    guest_package_line = cart_add(
        account=guest, session=public.session, product_uuid=PACKAGE, image=seen, quantity=1
    )
    guest_group = client_group_create(account=guest, session=public.session, name="Mia's")
    client_group_add(group=guest_group, image_ids=[seen.pk])
    return Cast(
        studio=studio,
        rival=rival,
        ada=ada,
        bea=bea,
        guest=guest,
        rex=rex,
        shop=shop,
        private=private,
        group=client_group_create(account=ada, session=shop.session, name="Ada's picks"),
        doomed_group=client_group_create(account=ada, session=shop.session, name="To delete"),
        line=line,
        package_line=package_line,
        order=order,
        prepaid=prepaid,
        invitation=invitation,
        public=public,
        guest_group=guest_group,
        guest_doomed_group=client_group_create(
            account=guest, session=public.session, name="Mia's to delete"
        ),
        guest_line=guest_line,
        guest_package_line=guest_package_line,
        guest_order=guest_order,
        key=api_key_create(studio=studio),
        rival_key=api_key_create(studio=rival),
    )


def scrubbed(body: bytes) -> str:
    """A page's text without the per-render CSRF token."""
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', body.decode(errors="replace"))
