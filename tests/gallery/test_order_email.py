"""The confirmation email goes through a real SMTP server (aiosmtpd on loopback) once the
order is committed: to the account's email, with the confirmation number."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import Client, override_settings

from proofroom.gallery.accounts import Account
from proofroom.gallery.orders import Order
from proofroom.gallery.tenants import Studio
from tests.gallery.conftest import make_client, sign_in
from tests.gallery.shop import PICKUP, add, checkout_url, shop_session, terms

pytestmark = pytest.mark.django_db


class Inbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            yield inbox
    finally:
        controller.stop()


def test_the_confirmation_reaches_the_mail_server_after_the_order_commits(
    client: Client,
    ada: Account,
    gallery_studio: Studio,
    smtp: Inbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    terms(gallery_studio, tax_rate=825)
    shop = shop_session(gallery_studio, ada)
    sign_in(client, ada)
    add(client, shop, image=2, quantity=2)
    with django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB) as waiting:
        client.post(checkout_url(shop), PICKUP)
        assert smtp.messages == []  # nothing leaves before the order is committed
    assert len(waiting) == 1
    order = Order.objects.get()
    ((to, message),) = smtp.messages
    assert to == ["ada@souza.example"] and message["To"] == "ada@souza.example"
    assert message["Subject"] == f"Your order {order.display_number} at Northlight Studio"
    assert message["Reply-To"] == "hello@northlight.example"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    plain = text.get_content()
    assert f"Confirmation number: {order.display_number}" in plain
    assert "2 × Print 8×10 in — IMG_0003.jpg — $50.00" in plain
    assert "Sales tax: $4.13" in plain and "Total: $54.13" in plain
    assert f"/s/northlight/orders/{order.display_number}/" in plain
    assert order.display_number in html.get_content()


def test_an_account_without_an_email_gets_no_mail(
    client: Client,
    gallery_studio: Studio,
    smtp: Inbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    nomail = make_client(gallery_studio, first="Noa", last="Post", email="")
    Account.objects.filter(pk=nomail.pk).update(username="noa")
    nomail.refresh_from_db()
    shop = shop_session(gallery_studio, nomail)
    sign_in(client, nomail)
    add(client, shop)
    with django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB):
        assert client.post(checkout_url(shop), PICKUP).status_code == 302
    assert Order.objects.count() == 1 and smtp.messages == []


def test_a_mail_server_that_is_down_does_not_lose_the_order(
    client: Client,
    ada: Account,
    gallery_studio: Studio,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    shop = shop_session(gallery_studio, ada)
    sign_in(client, ada)
    add(client, shop)
    nobody_listens = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=2,
    )
    with (
        nobody_listens,
        django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB),
    ):
        placed = client.post(checkout_url(shop), PICKUP)
    assert placed.status_code == 302 and Order.objects.count() == 1
