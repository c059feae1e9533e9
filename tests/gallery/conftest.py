"""The gallery's fixtures: a public event, a signed-in viewer, and the store's shop and
shopper (the whole cast, Ada and her session included, is in ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.tenants import Studio, studio_payments_configure
from proofroom.sync import protocol
from tests.cast import Published, publish, sign_in
from tests.fakes.stripe_api import FakeStripe
from tests.gallery.shop import shop_session, terms


@pytest.fixture
def signed_in() -> Callable[[Client, Account], None]:
    return sign_in


@pytest.fixture
def public_event(gallery_studio: Studio, ada: Account) -> Published:
    """Ada's public event: anyone may view it; guests may sign up."""
    return publish(gallery_studio, ada, images=6, event_type=protocol.EventType.PUBLIC)


@pytest.fixture
def viewer(client: Client, ada: Account, published: Published) -> Client:
    """Ada, signed in, with her session published."""
    sign_in(client, ada)
    return client


@pytest.fixture
def shop(gallery_studio: Studio, ada: Account) -> Published:
    """Ada's session selling from the store's price list (``tests/gallery/shop.py``)."""
    return shop_session(gallery_studio, ada)


@pytest.fixture
def shopper(client: Client, ada: Account, shop: Published) -> Client:
    """Ada, signed in, with her shop open."""
    sign_in(client, ada)
    return client


@pytest.fixture
def sales_tax(gallery_studio: Studio) -> None:
    """Our shop charges 8.25 % sales tax (request it before ``shop``, e.g. with
    ``pytest.mark.usefixtures("sales_tax")``)."""
    terms(gallery_studio, tax_rate=825)


@pytest.fixture
def stripe(live_server, settings, gallery_studio: Studio) -> Iterator[FakeStripe]:  # type: ignore[no-untyped-def]
    """Our studio takes cards through a fake of Stripe's HTTP API on loopback, which posts
    its signed webhooks to the live gallery."""
    with FakeStripe(webhook_secret="whsec_test") as fake:
        settings.STRIPE_API_BASE = fake.base_url
        fake.webhook_url = live_server.url + "/s/northlight/payments/stripe/webhook/"
        studio_payments_configure(
            studio=gallery_studio,
            gateway="stripe",
            secret_key=fake.api_key,
            webhook_secret=fake.webhook_secret,
        )
        yield fake
