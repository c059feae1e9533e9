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
from tests.cast import OWN_PASSWORD, make_client
from tests.gallery.shop import PICKUP, add, checkout_url, shop_session
from tests.gallery.test_guests import CHECK_EMAIL, confirm_link

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
    assert CHECK_EMAIL in signed_up.content.decode()
    assert guest.post(confirm_link("mia@lund.example")).status_code == 302
    add(guest, event)
    assert guest.post(checkout_url(event), PICKUP).status_code == 302
    mail.outbox.clear()
    report = mail_deliver()
    assert report.failed == 0, list(OutgoingMail.objects.values_list("last_error", flat=True))
    notices = [m for m in mail.outbox if m.to == ["hello@northlight.example"]]
    assert len(notices) == 1
    assert "\n" not in notices[0].subject and "\r" not in notices[0].subject
    assert notices[0].message()["Bcc"] is None and notices[0].bcc == []


def test_a_title_with_a_line_break_does_not_break_an_invitation(gallery_studio: Studio) -> None:
    """Issue 13 (attacker): a session title or client name with a line break (over the
    sync) made the invitation's subject two lines: Django refused it and the client who
    pressed Invite got a server error. The invitation goes out, its subject on one line."""
    from tests.cast import publish, sign_in

    ada = make_client(gallery_studio, first="Ada\r\nBcc: spy@evil.example")
    event = publish(gallery_studio, ada, images=2, title="Lake\r\nwedding")
    browser = Client()
    sign_in(browser, ada)
    mail.outbox.clear()
    answer = browser.post(
        f"/s/northlight/e/{event.session.uuid}/invite/", {"email": "aunt@souza.example"}
    )
    assert answer.status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert "\n" not in sent.subject and "Lake wedding" in sent.subject
    assert sent.message()["Bcc"] is None and sent.bcc == []
