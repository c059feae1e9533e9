"""The order's mail goes through a real SMTP server (aiosmtpd on loopback) once the order is
committed: the confirmation to the account's email, with the confirmation number, and the
studio's notice of a new web order. Mail the server refuses waits in the outbox and is
retried; none is lost and none goes out twice."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from proofroom.cli import cmd_gallery_mail
from proofroom.gallery.accounts import Account
from proofroom.gallery.db import atomic
from proofroom.gallery.mail import (
    LEASE,
    MAX_ATTEMPTS,
    DeliveryReport,
    MailKind,
    OutgoingMail,
    mail_deliver,
    mail_queue,
    retry_delay,
)
from proofroom.gallery.store.models import Order
from proofroom.gallery.tenants import Studio
from tests.cast import free_port, make_client, sign_in
from tests.gallery.shop import PICKUP, add, checkout_url, shop_session, terms
from tests.smtp import Inbox, smtp_at

pytestmark = pytest.mark.django_db


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
    assert len(waiting) == 1  # the confirmation and the studio's notice, together
    order = Order.objects.get()
    assert [to for to, _ in smtp.messages] == [["ada@souza.example"], ["hello@northlight.example"]]
    to, message = smtp.messages[0]
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


def test_an_account_without_an_email_gets_no_confirmation(
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
    assert Order.objects.count() == 1
    ((to, notice),) = smtp.messages  # the studio hears of it; the client gets nothing
    assert to == ["hello@northlight.example"] and notice["Reply-To"] is None
    assert "from Noa Post" in notice["Subject"]


def test_the_studio_hears_of_a_new_web_order_and_can_reply_to_the_client(
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
    with django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB):
        client.post(checkout_url(shop), {**PICKUP, "note": "Matte paper, please."})
    order = Order.objects.get()
    (notice,) = [m for to, m in smtp.messages if to == ["hello@northlight.example"]]
    assert notice["Subject"] == f"New web order {order.display_number} from Ada Souza: $54.13"
    assert notice["Reply-To"] == "ada@souza.example"
    body = notice.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert f"Web order number: {order.display_number}" in text
    assert "From: Ada Souza <ada@souza.example>" in text
    assert "2 × Print 8×10 in — IMG_0003.jpg — $50.00" in text
    assert "No payment was taken online: contact the client to arrange payment." in text
    assert "The client picks the order up at the studio." in text
    assert "Matte paper, please." in text
    assert "Download Orders" in text


def test_a_studio_without_an_email_gets_no_notice(
    client: Client,
    ada: Account,
    gallery_studio: Studio,
    smtp: Inbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    Studio.objects.filter(pk=gallery_studio.pk).update(email="")
    gallery_studio.refresh_from_db()
    shop = shop_session(gallery_studio, ada)
    sign_in(client, ada)
    add(client, shop)
    with django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB):
        client.post(checkout_url(shop), PICKUP)
    ((to, message),) = smtp.messages
    assert to == ["ada@souza.example"] and message["Reply-To"] is None


def nobody_listens() -> override_settings:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=2,
    )


def mail_server_at(inbox: Inbox) -> Controller:
    return Controller(inbox, hostname="127.0.0.1", port=free_port())


def test_mail_the_server_refused_waits_and_goes_out_once_when_it_is_back(
    client: Client,
    ada: Account,
    gallery_studio: Studio,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    shop = shop_session(gallery_studio, ada)
    sign_in(client, ada)
    add(client, shop)
    with (
        nobody_listens(),
        django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB),
    ):
        placed = client.post(checkout_url(shop), PICKUP)
    assert placed.status_code == 302 and Order.objects.count() == 1
    waiting = list(OutgoingMail.objects.order_by("kind"))
    assert [(m.kind, m.sent_at, m.attempts) for m in waiting] == [
        (MailKind.ORDER_CONFIRMATION, None, 1),
        (MailKind.ORDER_NOTICE, None, 1),
    ]
    assert all("ConnectionRefusedError" in m.last_error for m in waiting)
    assert all(m.next_attempt_at > timezone.now() for m in waiting)  # not hammered at once
    (retry,) = DBTaskResult.objects.filter(task_path__endswith="mail_retry", status="READY")
    assert retry.run_after == min(m.next_attempt_at for m in waiting)  # the worker retries

    # Before its time nothing is retried; once due, the operator's command sends it.
    inbox = Inbox()
    server = mail_server_at(inbox)
    server.start()
    try:
        with smtp_at(server.port):
            cmd_gallery_mail(argparse.Namespace(retry_given_up=False))
            assert inbox.messages == []
            assert "attempt 2 in 1 min" in capsys.readouterr().out
            OutgoingMail.objects.update(next_attempt_at=timezone.now())
            cmd_gallery_mail(argparse.Namespace(retry_given_up=False))
            assert "Sent now: 2" in capsys.readouterr().out
            assert sorted(to for to, _ in inbox.messages) == [
                ["ada@souza.example"],
                ["hello@northlight.example"],
            ]
            assert mail_deliver() == DeliveryReport()  # nothing is sent twice
            assert len(inbox.messages) == 2
    finally:
        server.stop()


def test_a_sender_that_died_mid_send_leaves_the_mail_to_the_next_once_its_lease_ends(
    gallery_studio: Studio, smtp: Inbox
) -> None:
    with atomic():
        mail = mail_queue(
            studio=gallery_studio,
            kind=MailKind.ORDER_NOTICE,
            to=["hello@northlight.example"],
            subject="New web order",
            text="An order.",
        )
    # A sender claimed it and died before sending: the lease keeps others off it ...
    OutgoingMail.objects.filter(pk=mail.pk).update(
        attempts=1, next_attempt_at=timezone.now() + LEASE
    )
    assert mail_deliver() == DeliveryReport() and smtp.messages == []
    # ... until it runs out.
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
    assert mail_deliver() == DeliveryReport(sent=1)
    assert len(smtp.messages) == 1 and mail_deliver() == DeliveryReport()


def test_mail_is_given_up_after_its_attempts_and_the_operator_can_try_it_again(
    gallery_studio: Studio, capsys: pytest.CaptureFixture[str]
) -> None:
    with atomic():
        mail_queue(
            studio=gallery_studio,
            kind=MailKind.ORDER_CONFIRMATION,
            reference="7K3M-Q9XD",
            to=["ada@souza.example"],
            subject="Your order",
            text="Thank you.",
        )
    with nobody_listens():
        for _ in range(MAX_ATTEMPTS):
            OutgoingMail.objects.update(next_attempt_at=timezone.now())
            mail_deliver()
        mail = OutgoingMail.objects.get()
        assert mail.attempts == MAX_ATTEMPTS and mail.gave_up_at is not None
        with pytest.raises(SystemExit) as exit_:
            cmd_gallery_mail(argparse.Namespace(retry_given_up=False))
        assert exit_.value.code == 1
        shown = capsys.readouterr().out
        assert "Order confirmation to the client 7K3M-Q9XD to ada@souza.example" in shown
        assert f"given up after {MAX_ATTEMPTS} attempts" in shown
        assert "last error: ConnectionRefusedError" in shown
    inbox = Inbox()
    server = mail_server_at(inbox)
    server.start()
    try:
        with smtp_at(server.port):
            cmd_gallery_mail(argparse.Namespace(retry_given_up=True))
    finally:
        server.stop()
    out = capsys.readouterr().out
    assert "Given up, tried again: 1" in out and "Sent now: 1" in out
    assert "Nothing waits" in out and len(inbox.messages) == 1


def test_retry_delays_grow_and_stay_bounded() -> None:
    delays = [retry_delay(n) for n in range(1, MAX_ATTEMPTS + 1)]
    assert delays[0] == dt.timedelta(minutes=1) and delays[1] == dt.timedelta(minutes=2)
    assert delays == sorted(delays) and max(delays) == dt.timedelta(hours=2)


def test_sent_mail_is_kept_a_month_then_deleted_as_new_mail_goes_out(
    client: Client,
    ada: Account,
    gallery_studio: Studio,
    smtp: Inbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    shop = shop_session(gallery_studio, ada)
    sign_in(client, ada)
    for _ in range(2):
        add(client, shop)
        with django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB):
            client.post(checkout_url(shop), PICKUP)
    first, second = Order.objects.order_by("pk")
    OutgoingMail.objects.filter(reference=first.display_number).update(
        sent_at=timezone.now() - dt.timedelta(days=31)
    )
    OutgoingMail.objects.filter(reference=second.display_number).update(
        sent_at=timezone.now() - dt.timedelta(days=29)
    )
    add(client, shop)
    with django_capture_on_commit_callbacks(execute=True, using=settings.GALLERY_DB):
        client.post(checkout_url(shop), PICKUP)
    kept = set(OutgoingMail.objects.values_list("reference", flat=True))
    assert first.display_number not in kept and second.display_number in kept
    assert len(smtp.messages) == 6  # nothing unsent was touched
