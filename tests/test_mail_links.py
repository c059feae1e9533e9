"""Issue 18, point 8: every link in a mail points at the address the server is reached at.

`proofroom demo --port 8100` mailed order links to port 8000: the links came from a
default address fixed in the settings, not from the port the server listens on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

from proofroom.core.public_url import listening_url, public_url_follow_listener
from proofroom.gallery.accounts import Account
from proofroom.gallery.store.models import Order
from proofroom.gallery.tenants import Studio
from tests.cast import sign_in
from tests.gallery.shop import PICKUP, add, checkout_url, shop_session
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_public_url(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """No address configured by the operator; whatever the server sets is undone after."""
    monkeypatch.delenv("PROOFROOM_PUBLIC_URL", raising=False)
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    return settings


def order_mail_text(client: Client, studio: Studio, ada: Account, smtp: Inbox, capture) -> str:  # type: ignore[no-untyped-def]
    shop = shop_session(studio, ada)
    sign_in(client, ada)
    add(client, shop, image=1, quantity=1)
    with capture(execute=True, using=django_settings.GALLERY_DB):
        client.post(checkout_url(shop), PICKUP)
    _, message = smtp.messages[0]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_an_order_mail_links_to_the_port_the_server_listens_on(  # type: ignore[no-untyped-def]
    no_public_url,
    client: Client,
    ada: Account,
    gallery_studio: Studio,
    smtp: Inbox,
    django_capture_on_commit_callbacks,
) -> None:
    public_url_follow_listener(host="127.0.0.1", port=8100)
    text = order_mail_text(client, gallery_studio, ada, smtp, django_capture_on_commit_callbacks)
    order = Order.objects.get()
    assert f"http://127.0.0.1:8100/s/northlight/orders/{order.display_number}/" in text
    assert ":8000" not in text


def test_the_server_s_workers_write_the_same_links(no_public_url) -> None:  # type: ignore[no-untyped-def]
    """Web orders of the demo are placed by a worker process: it inherits the address."""
    public_url_follow_listener(host="0.0.0.0", port=8100)  # noqa: S104
    worker = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.PUBLIC_URL)",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "proofroom.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert worker.stdout.strip() == "http://127.0.0.1:8100"


def test_an_address_the_operator_names_wins(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROOFROOM_PUBLIC_URL", "https://photos.northlight.example")
    settings.PUBLIC_URL = "https://photos.northlight.example"
    assert public_url_follow_listener(host="127.0.0.1", port=8100) == (
        "https://photos.northlight.example"
    )
    assert django_settings.PUBLIC_URL == "https://photos.northlight.example"


def test_listening_addresses_read_as_urls() -> None:
    assert listening_url(host="::1", port=8100) == "http://[::1]:8100"
    assert listening_url(host="studio.lan", port=80) == "http://studio.lan:80"
