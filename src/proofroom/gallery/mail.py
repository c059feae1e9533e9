"""The gallery's outbox: mail that must not be lost when the mail server is down.

A message is written as a row in the same transaction as what it tells of (an order
placed or paid), so it exists exactly when that happened. Once committed it is sent at
once; a mail server that refuses or does not answer leaves the row to be retried with a
growing delay (a background task, or ``proofroom gallery mail``), until it is sent or,
after ``MAX_ATTEMPTS``, given up with its last error kept for the operator.

Two senders never send the same row at once: a sender first claims the row by moving its
next attempt a lease into the future with a conditional update, and only the one whose
update matched sends it. A sender that dies mid-send leaves the row to be retried once the
lease ends, so a message can at worst go out twice, never not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from proofroom.gallery.db import on_commit
from proofroom.gallery.tenants import Studio

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=2)
LEASE = dt.timedelta(minutes=5)
KEEP_SENT = dt.timedelta(days=30)  # sent mail is kept this long (to look up), then deleted


class MailKind(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation", "Order confirmation to the client"
    ORDER_NOTICE = "order_notice", "New web order, to the studio"
    GUEST_CONFIRM = "guest_confirm", "Guest sign-up: the link that opens the login"
    GUEST_HAS_LOGIN = "guest_has_login", "Guest sign-up for an address that has a login"


class OutgoingMail(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="outgoing_mail")
    kind = models.CharField(max_length=30, choices=MailKind.choices)
    reference = models.CharField(max_length=40, blank=True, help_text="e.g. an order number")
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="gallery_mail_due",
                condition=models.Q(sent_at=None, gave_up_at=None),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} to {', '.join(self.to)}"


def mail_queue(
    *,
    studio: Studio,
    kind: str,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    reply_to: list[str] | None = None,
    reference: str = "",
) -> OutgoingMail:
    """Keep a message (call it inside the transaction it tells of); ``mail_send_on_commit``
    sends it once that transaction commits.

    The subject is made one line: it carries names visitors type, and a line break in
    one would make every attempt to send fail (Django refuses a header with one)."""
    return OutgoingMail.objects.create(
        studio=studio,
        kind=kind,
        reference=reference,
        to=to,
        reply_to=reply_to or [],
        subject=" ".join(subject.split())[:255],
        text=text,
        html=html,
    )


def mail_send_on_commit(mails: Iterable[OutgoingMail]) -> None:
    """Send these messages, on one connection, once the current transaction commits; what
    fails books one background retry."""
    ids = [mail.pk for mail in mails]
    if not ids:
        return

    def send_now() -> None:
        report = mail_deliver(ids=ids)
        if report.failed:
            mail_retry_schedule()
        mail_prune()

    on_commit(send_now)


def retry_delay(attempts: int) -> dt.timedelta:
    """1 minute after the first failure, doubling up to 2 hours (8 tries span about 4 h)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def _due(now: dt.datetime) -> models.QuerySet[OutgoingMail]:
    return OutgoingMail.objects.filter(sent_at=None, gave_up_at=None, next_attempt_at__lte=now)


def _claim(mail: OutgoingMail, now: dt.datetime) -> bool:
    """Take the row for this sender: only one concurrent claim of an attempt succeeds."""
    claimed = OutgoingMail.objects.filter(
        pk=mail.pk, sent_at=None, gave_up_at=None, attempts=mail.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if claimed:
        mail.attempts += 1
    return bool(claimed)


def _message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject, body=mail.text, to=mail.to, reply_to=mail.reply_to or None
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def mail_deliver(*, ids: Iterable[int] | None = None, limit: int = 200) -> DeliveryReport:
    """Send what is due (or only ``ids``, when due), each once; returns what happened.

    One connection to the mail server serves the whole batch. A failure is recorded on its
    row with the next attempt's time; the rest of the batch still goes out.
    """
    now = timezone.now()
    due = _due(now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    batch = list(due.order_by("next_attempt_at", "pk")[:limit])
    sent = failed = gave_up = 0
    if not batch:
        return DeliveryReport()
    connection = get_connection(fail_silently=False)
    try:
        for mail in batch:
            if not _claim(mail, now):
                continue  # another sender has it
            try:
                message = _message(mail)
                message.connection = connection
                message.send()
            except (smtplib.SMTPException, OSError, ValueError) as error:
                failed += 1
                if _failed(mail, error):
                    gave_up += 1
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    connection.close()  # a broken connection is opened anew for the next one
                continue
            OutgoingMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now(), last_error="")
            sent += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return DeliveryReport(sent=sent, failed=failed, gave_up=gave_up)


def _failed(mail: OutgoingMail, error: Exception) -> bool:
    """Record a failed attempt; True when this was the last one."""
    now = timezone.now()
    reason = f"{type(error).__name__}: {error}"[:2000]
    last = mail.attempts >= MAX_ATTEMPTS
    if last:
        OutgoingMail.objects.filter(pk=mail.pk).update(gave_up_at=now, last_error=reason)
    else:
        OutgoingMail.objects.filter(pk=mail.pk).update(
            next_attempt_at=now + retry_delay(mail.attempts), last_error=reason
        )
    log.log(
        logging.ERROR if last else logging.WARNING,
        "mail %s (%s %s) to %s failed, attempt %s; %s: %s",
        mail.pk,
        mail.kind,
        mail.reference,
        ", ".join(mail.to),
        mail.attempts,
        "given up" if last else "retried later",
        reason,
    )
    return last


def mail_next_due() -> dt.datetime | None:
    """When the earliest unsent message is due, or None when nothing waits."""
    return (
        OutgoingMail.objects.filter(sent_at=None, gave_up_at=None)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def mail_retry_schedule() -> None:
    """Book a background retry for when the earliest waiting message is due."""
    due = mail_next_due()
    if due is None:
        return
    try:
        mail_retry.using(run_after=max(due, timezone.now())).enqueue()
    except Exception:
        log.exception("could not book the mail retry; `proofroom gallery mail` sends what waits")


def mail_waiting() -> list[OutgoingMail]:
    """What is not sent: waiting for a retry, or given up (for the operator)."""
    return list(
        OutgoingMail.objects.filter(sent_at=None)
        .select_related("studio")
        .order_by("gave_up_at", "next_attempt_at", "pk")
    )


def mail_retry_given_up() -> int:
    """Give the given-up messages a fresh set of attempts, due now (after fixing the server)."""
    return (
        OutgoingMail.objects.filter(sent_at=None)
        .exclude(gave_up_at=None)
        .update(gave_up_at=None, attempts=0, next_attempt_at=timezone.now())
    )


def mail_prune() -> int:
    """Delete mail sent more than ``KEEP_SENT`` ago (an indexed range: a few rows each
    time, as the table only ever holds about a month of mail)."""
    deleted, _ = OutgoingMail.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return deleted


@task(queue_name="default")
def mail_retry() -> dict[str, int]:
    """Send the mail that is due again; book the next retry while some still waits (failed
    again, or not yet due: a sender's lease that has not run out)."""
    report = mail_deliver()
    if report.failed or (not report.sent and mail_next_due() is not None):
        mail_retry_schedule()
    return {"sent": report.sent, "failed": report.failed, "gave_up": report.gave_up}
