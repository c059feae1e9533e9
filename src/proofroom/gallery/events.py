"""Online sessions (events): what a studio publishes, who may see it, and until when."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import models
from django.utils import timezone

from proofroom.sync.protocol import EventType


class OnlineSession(models.Model):
    """A session published by the studio. Closed to everyone after its expire date."""

    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="sessions")
    uuid = models.UUIDField()
    number = models.PositiveIntegerField()
    account = models.ForeignKey(
        "gallery.Account", null=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    title = models.CharField(max_length=200)
    date = models.DateField()
    expire_date = models.DateField()
    price_list = models.ForeignKey(
        "gallery.PriceList", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_type = models.CharField(
        max_length=8, choices=[(e.value, e.name.title()) for e in EventType], default=EventType.NONE
    )
    event_code = models.CharField(max_length=40, blank=True)
    event_description = models.TextField(blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    taken_down_at = models.DateTimeField(null=True, blank=True)
    yearbook_deadline = models.DateField(null=True, blank=True)
    yearbook_images = models.JSONField(
        default=list, blank=True, help_text="uuids of the images eligible as the yearbook pose"
    )

    class Meta:
        ordering = ["studio", "-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "uuid"], name="online_session_uuid"),
        ]
        indexes = [
            models.Index(fields=["studio", "event_type", "date"]),
            models.Index(models.functions.Upper("event_code"), "studio", name="event_code_ci"),
        ]

    def __str__(self) -> str:
        return self.title

    def today(self) -> dt.date:
        """Today in the studio's time zone: an expire date is a date there."""
        return self.studio.today()

    @property
    def is_open(self) -> bool:
        return self.taken_down_at is None and self.today() <= self.expire_date

    @property
    def is_expired(self) -> bool:
        return self.taken_down_at is not None or self.today() > self.expire_date


class OnlineImage(models.Model):
    session = models.ForeignKey(OnlineSession, on_delete=models.CASCADE, related_name="images")
    uuid = models.UUIDField()
    file_name = models.CharField(max_length=255)
    position = models.PositiveIntegerField(default=0)
    preview = models.CharField(max_length=64)
    preview_width = models.PositiveIntegerField()
    preview_height = models.PositiveIntegerField()
    thumbnail = models.CharField(max_length=64)

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "uuid"], name="online_image_uuid"),
        ]

    def __str__(self) -> str:
        return self.file_name


class OnlineGroup(models.Model):
    """One of the studio's image groups, shown online as a filter."""

    session = models.ForeignKey(OnlineSession, on_delete=models.CASCADE, related_name="groups")
    uuid = models.UUIDField()
    name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    images = models.ManyToManyField(OnlineImage, related_name="groups", blank=True)

    class Meta:
        ordering = ["session", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "uuid"], name="online_group_uuid"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """The client invited someone by email to view a session (event type None)."""

    session = models.ForeignKey(OnlineSession, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey("gallery.Account", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.session}"


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper()


def session_of_studio(*, studio_id: int, session_uuid: uuid.UUID) -> OnlineSession | None:
    """One of the studio's online sessions by its uuid, if it has it (no access check)."""
    return OnlineSession.objects.filter(studio_id=studio_id, uuid=session_uuid).first()
