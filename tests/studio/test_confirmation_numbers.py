"""A web order's confirmation number on the desk (Issue 12, confirmation numbers): stored
in the protocol's one form, and found however staff type what the client reads out."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from proofroom.studio.invoices.web_orders import invoice_from_web_order
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio
from proofroom.sync import protocol
from tests.factories import make_price_list, make_session, web_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(studio: Studio) -> Session:
    return make_session()


@pytest.fixture
def prints(studio: Studio) -> dict[str, Product]:
    make_price_list()
    return {p.name: p for p in Product.objects.all()}


@pytest.mark.parametrize(
    "typed",
    ["K7MQ-1XD0", "k7mq-1xd0", "K7MQ1XD0", " k7mq 1xd0 ", "K7MQ-1XDO", "k7mq-ixdo", "K7MQLXD0"],
)
def test_the_hub_finds_a_web_order_however_its_number_is_typed(
    desk: Browser, session: Session, prints: dict[str, Product], typed: str
) -> None:
    """Issue 12, confirmation numbers: the desk's normaliser did not read O as 0 nor I or
    L as 1 (Crockford's alphabet has none of them), so a number read out over the phone
    found nothing."""
    invoice = invoice_from_web_order(
        web_order(
            session=session,
            client=session.client,
            number="K7MQ-1XD0",
            lines=[(prints["Print"], None, 1)],
        )
    )
    other = invoice_from_web_order(
        web_order(
            session=session,
            client=session.client,
            number="ZZZZ-9999",
            lines=[(prints["Print"], None, 1)],
        )
    )
    hub = desk.get("/desk/invoices/", {"web_order": typed}).content.decode()
    assert f'href="/desk/invoices/{invoice.number}/"' in hub
    assert f'href="/desk/invoices/{other.number}/"' not in hub


def test_a_number_sent_without_its_dash_is_stored_in_the_one_form(
    session: Session, prints: dict[str, Product]
) -> None:
    """Issue 12, confirmation numbers: the desk kept whatever text the gallery sent."""
    invoice = invoice_from_web_order(
        web_order(
            session=session,
            client=session.client,
            number="k7mq2xda",
            lines=[(prints["Print"], None, 1)],
        )
    )
    assert invoice.web_order_number == "K7MQ-2XDA" == protocol.confirmation_normalize("K7MQ2XDA")


def test_a_search_for_a_number_of_another_length_finds_nothing(
    desk: Browser, session: Session, prints: dict[str, Product]
) -> None:
    invoice_from_web_order(
        web_order(session=session, client=session.client, lines=[(prints["Print"], None, 1)])
    )
    hub = desk.get("/desk/invoices/", {"web_order": "K7MQ-2XD"})
    assert hub.status_code == 200
    assert "/desk/invoices/1/" not in hub.content.decode()
