"""Issue 13, attacker's pass: what a visitor types never breaks a mail's headers.

A guest's name goes into the subject of the studio's new-order notice. A name with a
line break in it (posted by hand; a browser's text field has none) must neither add a
header nor stop the notice from going out.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from proofroom.gallery.mail import OutgoingMail, mail_deliver
from proofroom.gallery.tenants import Studio
from proofroom.sync import protocol
from tests.gallery.conftest import OWN_PASSWORD, make_client
from tests.gallery.shop import PICKUP, add, checkout_url, shop_session

pytestmark = pytest.mark.django_db

NAME = "Mia\r\nBcc: spy@evil.example"


def test_a_guest_name_with_a_line_break_does_not_stop_the_studios_order_notice(
    gallery_studio: Studio,
) -> None:
    """Issue 13 (attacker): the notice goes out, its subject on one line, no Bcc added."""
    ada = make_client(gallery_studio)
    event = shop_session(gallery_studio, ada, event_type=protocol.EventType.PUBLIC)
    guest = Client()
    signed_up = guest.post(
        f"/s/northlight/e/{event.session.uuid}/guest/",
        {
            "first_name": NAME,
            "last_name": "Lund",
            "email": "mia@lund.example",
            "new_password": OWN_PASSWORD,
            "repeat_password": OWN_PASSWORD,
        },
    )
    assert signed_up.status_code == 302, signed_up.content.decode()[:500]
    add(guest, event)
    assert guest.post(checkout_url(event), PICKUP).status_code == 302
    mail.outbox.clear()
    report = mail_deliver()
    assert report.failed == 0, list(OutgoingMail.objects.values_list("last_error", flat=True))
    notices = [m for m in mail.outbox if m.to == ["hello@northlight.example"]]
    assert len(notices) == 1
    message = notices[0].message()
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Bcc"] is None and notices[0].bcc == []
