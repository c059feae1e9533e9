"""Issue 14: the desk's outbox has the gallery's guarantees. A mail server that is down and
then back delivers each message once; a server that keeps refusing ends in "given up" with
its last answer on the desk; the settings' test mail shows what the server answered."""

from __future__ import annotations

import datetime as dt

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import transaction
from freezegun import freeze_time

from proofroom.studio.clients import Client
from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.services import ONLINE_LETTER, letter_send
from proofroom.studio.mail.models import DeskMail, MailSecurity, MailSettings
from proofroom.studio.mail.outbox import MAX_ATTEMPTS, desk_mail_deliver
from proofroom.studio.mail.server import mail_settings_update
from tests.cast import free_port
from tests.factories import ClientFactory
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db


def point_desk_at(port: int, **extra: object) -> None:
    fields: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": MailSecurity.NONE,
        "username": "",
        "password": None,
        "sender": "Northlight Studio <hello@northlight.example>",
    }
    fields.update(extra)
    mail_settings_update(**fields)  # type: ignore[arg-type]


def send_letter(client: Client) -> DeskMail:
    with transaction.atomic():
        return letter_send(letter=FormLetter.objects.get(name=ONLINE_LETTER), client=client)


def test_a_server_down_then_back_delivers_each_mail_once(studio, smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    point_desk_at(free_port())  # nothing listens there
    clients = [ClientFactory() for _ in range(3)]
    start = dt.datetime(2027, 3, 1, 15, 0, tzinfo=dt.UTC)
    with freeze_time(start) as clock:
        for client in clients:
            send_letter(client)
        report = desk_mail_deliver()
        assert (report.sent, report.failed) == (0, 3)
        waiting = DeskMail.objects.get(client=clients[0])
        assert waiting.sent_at is None and "Connection refused" in waiting.last_error
        assert desk_mail_deliver().failed == 0  # not due again before the back-off
        clock.tick(dt.timedelta(minutes=2))
        assert desk_mail_deliver().failed == 3  # still down: the delay doubles
        point_desk_at(settings.EMAIL_PORT)  # the server is back
        clock.tick(dt.timedelta(minutes=5))
        assert desk_mail_deliver().sent == 3
        assert desk_mail_deliver().sent == 0
    assert sorted(to[0] for to, _ in smtp.messages) == sorted(c.email for c in clients)
    assert not DeskMail.objects.filter(sent_at=None).exists()


def test_a_row_another_sender_claimed_is_not_sent_again(studio, desk_smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    mail = send_letter(ClientFactory())
    DeskMail.objects.filter(pk=mail.pk).update(attempts=1)  # another sender took this attempt
    stale = DeskMail.objects.get(pk=mail.pk)
    stale.attempts = 0
    from proofroom.studio.mail import outbox

    assert not outbox._claim(stale, stale.next_attempt_at)
    assert desk_mail_deliver().sent == 1
    assert desk_mail_deliver().sent == 0
    assert len(desk_smtp.messages) == 1


class Refuses(Inbox):
    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        return "554 5.7.1 Message refused: sender not allowed"


def test_a_server_that_keeps_refusing_ends_given_up_with_its_answer_on_the_desk(  # type: ignore[no-untyped-def]
    studio, desk
) -> None:
    port = free_port()
    controller = Controller(Refuses(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        point_desk_at(port)
        client = ClientFactory(first_name="Ada", last_name="Park")
        send_letter(client)
        with freeze_time(dt.datetime(2027, 3, 1, 15, 0, tzinfo=dt.UTC)) as clock:
            for _ in range(MAX_ATTEMPTS + 2):
                desk_mail_deliver()
                clock.tick(dt.timedelta(hours=3))
    finally:
        controller.stop()
    mail = DeskMail.objects.get()
    assert mail.gave_up_at is not None and mail.attempts == MAX_ATTEMPTS
    assert mail.last_error == "The server answered 554 5.7.1 Message refused: sender not allowed"
    history = desk.get(f"/desk/clients/{client.pk}/communication/").content.decode()
    assert "given up" in history and "554 5.7.1 Message refused" in history
    outbox = desk.get("/desk/settings/mail/").content.decode()
    assert "554 5.7.1 Message refused" in outbox
    desk.post("/desk/settings/mail/retry/")
    mail.refresh_from_db()
    assert mail.gave_up_at is None and mail.attempts == 0


def test_the_test_mail_shows_what_the_server_answered(studio, desk, smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    saved = desk.post(
        "/desk/settings/mail/save/",
        {
            "host": "127.0.0.1",
            "port": settings.EMAIL_PORT,
            "security": MailSecurity.NONE,
            "username": "",
            "password": "s3cret-app-password",
            "sender": "Northlight Studio <hello@northlight.example>",
        },
    )
    assert saved.status_code == 302
    row = MailSettings.objects.get()
    assert row.password_sealed.startswith("sealed:v1:")
    assert "s3cret" not in row.password_sealed
    page = desk.post("/desk/settings/mail/test/", {"to": "me@northlight.example"})
    text = page.content.decode()
    assert "The server took the test mail." in text
    assert "DATA: 250 Message accepted for delivery" in text
    assert [to for to, _ in smtp.messages] == [["me@northlight.example"]]

    point_desk_at(free_port(), password=None)
    refused = desk.post("/desk/settings/mail/test/", {"to": "me@northlight.example"})
    assert "ConnectionRefusedError" in refused.content.decode()
    assert MailSettings.objects.get().password_sealed == row.password_sealed  # kept


def test_a_password_sealed_with_a_lost_key_fails_the_attempt_with_a_clear_reason(  # type: ignore[no-untyped-def]
    studio, smtp: Inbox
) -> None:
    point_desk_at(settings.EMAIL_PORT, username="studio", password="app-password")
    MailSettings.objects.update(password_sealed="sealed:v1:not-a-token-any-key-opens")
    send_letter(ClientFactory())
    report = desk_mail_deliver()
    assert (report.sent, report.failed) == (0, 1)
    assert "sealed with a key this server does not have" in DeskMail.objects.get().last_error
