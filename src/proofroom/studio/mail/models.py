"""The desk's mail settings (one row) and its outbox, which is also the client's
Communication history: a message is never deleted once sent."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class MailSecurity(models.TextChoices):
    STARTTLS = "starttls", "STARTTLS (usually port 587)"
    SSL = "ssl", "TLS from the start (usually port 465)"
    NONE = "none", "None (only for a server on this machine)"


class MailSettings(models.Model):
    """How the desk sends mail. No host: mail goes where the process's own mail settings
    send it (in the embedded demo, files in the data folder's ``outbox``)."""

    host = models.CharField("SMTP server", max_length=200, blank=True)
    port = models.PositiveIntegerField(
        default=587, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    security = models.CharField(
        max_length=10, choices=MailSecurity.choices, default=MailSecurity.STARTTLS
    )
    username = models.CharField("user name", max_length=200, blank=True)
    password_sealed = models.TextField(blank=True, editable=False)
    sender = models.CharField(
        "send as",
        max_length=200,
        blank=True,
        help_text='e.g. "Northlight Studio <hello@northlight.example>"; '
        "empty: the studio's email.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "mail settings"

    def __str__(self) -> str:
        return self.host or "the process's mail settings"


class MailState(models.TextChoices):
    WAITING = "waiting", "Waiting"
    SENT = "sent", "Sent"
    GAVE_UP = "gave_up", "Given up"


class DeskMail(models.Model):
    """One message to a client: queued in the transaction that caused it, then sent.

    ``key`` names what caused an automatic message (a trigger for a session, a reminder
    for a session and its expire date): the unique constraint lets each go out once.
    """

    client = models.ForeignKey("studio.Client", on_delete=models.CASCADE, related_name="desk_mail")
    session = models.ForeignKey(
        "studio.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    letter_name = models.CharField(max_length=120, blank=True)
    key = models.CharField(max_length=120, blank=True)
    to = models.CharField(max_length=254)
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    html = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=~models.Q(key=""),
                name="desk_mail_once_per_key",
                violation_error_message="This message has been sent already.",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="desk_mail_due",
                condition=models.Q(sent_at=None, gave_up_at=None),
            ),
            models.Index(fields=["client", "-created_at"], name="desk_mail_client"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"

    @property
    def state(self) -> MailState:
        if self.sent_at is not None:
            return MailState.SENT
        if self.gave_up_at is not None:
            return MailState.GAVE_UP
        return MailState.WAITING
