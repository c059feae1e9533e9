"""The desk's outbox: mail to clients that must go out once, even when the server is down.

The design is the gallery's outbox (``gallery/mail.py``), kept separately because the
sides share nothing. A message is a row written in the same transaction as what it tells
of (a session published, a reminder due, staff pressing Send), so it exists exactly when
that happened. Once committed, a background task sends it; a server that refuses or does
not answer leaves the row to be retried with a growing delay until it is sent or, after
``MAX_ATTEMPTS``, given up with the server's last answer kept on the desk.

A sender claims a row before sending by moving its next attempt a lease into the future
with a conditional update; only the one whose update matched sends it. Rows are never
deleted: they are the client's Communication history.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from proofroom.core.sealing import UnsealError
from proofroom.studio.clients import Client
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.mail.server import mail_connection, reply_address, sender_address
from proofroom.studio.sessions import Session

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=2)
LEASE = dt.timedelta(minutes=5)


def one_line(subject: str) -> str:
    """A subject on one line: a line break (a client's name may carry one) would make
    every attempt fail, as Django refuses such a header."""
    return " ".join(subject.split())[:255]


def desk_mail_new(
    *,
    client: Client,
    subject: str,
    text: str,
    html: str = "",
    session: Session | None = None,
    letter_name: str = "",
    key: str = "",
    sent_by: AbstractBaseUser | AnonymousUser | None = None,
    reply_to: str | None = None,
) -> DeskMail:
    """An unsaved outbox row (``desk_mail_queue`` saves one; bulk senders save many)."""
    return DeskMail(
        client=client,
        session=session,
        letter_name=letter_name[:120],
        key=key,
        to=client.email,
        reply_to=reply_address() if reply_to is None else reply_to,
        subject=one_line(subject),
        text=text,
        html=html,
        sent_by=sent_by if isinstance(sent_by, User) else None,
    )


def desk_mail_queue(mail: DeskMail) -> DeskMail:
    """Keep a message, inside the transaction it tells of; it is sent once that commits."""
    if not mail.to:
        raise ValidationError(f"{mail.client} has no email address: add one first.")
    mail.full_clean(exclude=["client", "session", "sent_by"], validate_constraints=False)
    mail.save()
    desk_mail_send_on_commit()
    return mail


def desk_mail_send_on_commit() -> None:
    """Book the background send for when the current transaction commits."""
    transaction.on_commit(_enqueue_send)


def _enqueue_send(at: dt.datetime | None = None) -> None:
    try:
        if at is not None and desk_mail_send.get_backend().supports_defer:
            desk_mail_send.using(run_after=at).enqueue()
        else:
            desk_mail_send.enqueue()
    except Exception:
        log.exception("could not book the desk's mail task; it waits in the outbox")


def retry_delay(attempts: int) -> dt.timedelta:
    """1 minute after the first failure, doubling up to 2 hours (8 tries span about 4 h)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def _due(now: dt.datetime) -> models.QuerySet[DeskMail]:
    return DeskMail.objects.filter(sent_at=None, gave_up_at=None, next_attempt_at__lte=now)


def _claim(mail: DeskMail, now: dt.datetime) -> bool:
    """Take the row for this sender: only one concurrent claim of an attempt succeeds."""
    claimed = DeskMail.objects.filter(
        pk=mail.pk, sent_at=None, gave_up_at=None, attempts=mail.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if claimed:
        mail.attempts += 1
    return bool(claimed)


def _message(mail: DeskMail, sender: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=sender,
        to=[mail.to],
        reply_to=[mail.reply_to] if mail.reply_to else None,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def desk_mail_deliver(*, ids: Iterable[int] | None = None, limit: int = 200) -> DeliveryReport:
    """Send what is due (or only ``ids``, when due), each once; returns what happened.
    One connection serves the batch; a failure is recorded on its row with the next
    attempt's time, and the rest of the batch still goes out."""
    now = timezone.now()
    due = _due(now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    batch = list(due.order_by("next_attempt_at", "pk")[:limit])
    if not batch:
        return DeliveryReport()
    sent = failed = gave_up = 0
    sender = sender_address()
    try:
        connection = mail_connection()
    except UnsealError as error:  # the password was sealed with a key this server lacks
        for mail in batch:
            if _claim(mail, now):
                failed += 1
                gave_up += _failed(mail, error)
        return DeliveryReport(failed=failed, gave_up=gave_up)
    try:
        for mail in batch:
            if not _claim(mail, now):
                continue  # another sender has it
            try:
                message = _message(mail, sender)
                message.connection = connection
                message.send()
            except (smtplib.SMTPException, OSError, ValueError) as error:
                failed += 1
                if _failed(mail, error):
                    gave_up += 1
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    connection.close()  # a broken connection is opened anew for the next
                continue
            DeskMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now(), last_error="")
            sent += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return DeliveryReport(sent=sent, failed=failed, gave_up=gave_up)


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
        return f"The server answered {error.smtp_code} {text}"[:2000]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{to}: the server answered {code} {text.decode('utf-8', 'replace')}"
            for to, (code, text) in error.recipients.items()
        )[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def _failed(mail: DeskMail, error: Exception) -> bool:
    """Record a failed attempt; True when this was the last one."""
    now = timezone.now()
    reason = _reason(error)
    last = mail.attempts >= MAX_ATTEMPTS
    if last:
        DeskMail.objects.filter(pk=mail.pk).update(gave_up_at=now, last_error=reason)
    else:
        DeskMail.objects.filter(pk=mail.pk).update(
            next_attempt_at=now + retry_delay(mail.attempts), last_error=reason
        )
    log.log(
        logging.ERROR if last else logging.WARNING,
        "desk mail %s to %s failed, attempt %s; %s: %s",
        mail.pk,
        mail.to,
        mail.attempts,
        "given up" if last else "retried later",
        reason,
    )
    return last


def desk_mail_next_due() -> dt.datetime | None:
    """When the earliest unsent message is due, or None when nothing waits."""
    return (
        DeskMail.objects.filter(sent_at=None, gave_up_at=None)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def desk_mail_retry_schedule() -> None:
    """Book a background send for when the earliest waiting message is due."""
    due = desk_mail_next_due()
    if due is not None:
        _enqueue_send(max(due, timezone.now()))


def desk_mail_waiting() -> list[DeskMail]:
    """What is not sent: waiting for a retry, or given up (for the desk's outbox page)."""
    return list(
        DeskMail.objects.filter(sent_at=None)
        .select_related("client")
        .order_by("gave_up_at", "next_attempt_at", "pk")
    )


@transaction.atomic
def desk_mail_retry_given_up() -> int:
    """Give the given-up messages a fresh set of attempts, due now (after fixing the server)."""
    count = (
        DeskMail.objects.filter(sent_at=None)
        .exclude(gave_up_at=None)
        .update(gave_up_at=None, attempts=0, next_attempt_at=timezone.now())
    )
    if count:
        desk_mail_send_on_commit()
    return count


def client_communication(*, client: Client) -> models.QuerySet[DeskMail]:
    """Every message to this client, newest first (the Communication history)."""
    return DeskMail.objects.filter(client=client).select_related("session", "sent_by")


@task(queue_name="default")
def desk_mail_send() -> dict[str, int]:
    """The background send: what is due goes out; the next try is booked while some
    still waits (failed, leased by another sender, or past this batch)."""
    report = desk_mail_deliver()
    if desk_mail_next_due() is not None:
        desk_mail_retry_schedule()
    return {"sent": report.sent, "failed": report.failed, "gave_up": report.gave_up}
