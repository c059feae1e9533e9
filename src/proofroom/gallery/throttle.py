"""Throttling of logins and event-code entry, per account and per address.

Kept in the gallery's database rather than a per-process cache so that every
web node behind a load balancer counts the same failures. (django-axes binds
to Django's auth user model; gallery logins are per-studio accounts.)
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

WINDOW = dt.timedelta(minutes=15)
LIMITS = {"account": 5, "address": 20, "code": 10, "signup": 10}


class FailedAttempt(models.Model):
    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10)
    key = models.CharField(max_length=254)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["studio", "scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} at {self.at:%H:%M}"


def throttled(*, studio_id: int, checks: dict[str, str]) -> bool:
    """True when any (scope, key) has had its limit of failures in the window."""
    since = timezone.now() - WINDOW
    for scope, key in checks.items():
        if not key:
            continue
        count = FailedAttempt.objects.filter(
            studio_id=studio_id, scope=scope, key=key.lower(), at__gte=since
        ).count()
        if count >= LIMITS[scope]:
            return True
    return False


def throttle_fail(*, studio_id: int, checks: dict[str, str]) -> None:
    FailedAttempt.objects.bulk_create(
        FailedAttempt(studio_id=studio_id, scope=scope, key=key.lower())
        for scope, key in checks.items()
        if key
    )
    FailedAttempt.objects.filter(at__lt=timezone.now() - 4 * WINDOW).delete()


def throttle_clear(*, studio_id: int, scope: str, key: str) -> None:
    FailedAttempt.objects.filter(studio_id=studio_id, scope=scope, key=key.lower()).delete()
