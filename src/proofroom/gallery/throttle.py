"""Throttling of logins, event-code entry and sign-ups, per account, address and device.

Kept in the gallery's database rather than a per-process cache so that every
web node behind a load balancer counts the same attempts. (django-axes binds
to Django's auth user model; gallery logins are per-studio accounts.)

An attempt takes its place in each of its counters before anything is checked, and gives
it back when it succeeds (see :mod:`proofroom.core.throttling`): however many arrive at
once, no more than the limit reach the password check.

The scopes and what each counts, per 15 minutes:

- ``pair``: one user name from one address (5): a guesser is slowed down without locking
  the owner, who signs in from another address, out;
- ``account``: one user name from anywhere (much higher: 50), against guessing from many
  addresses;
- ``address``: one address, whatever the user name (20);
- ``device``: one user name from a browser that signed in to it before (5), which is
  counted only there, so nobody elsewhere can lock that browser out;
- ``current``: the current password asked of a signed-in account (5);
- ``code``: event codes from one address (10); ``signup``: guest sign-ups from one
  address (10; each counts, not only failures).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from proofroom.core.throttling import (
    ThrottleScope,
    counters_give_back,
    counters_prune,
    counters_take,
)

WINDOW = dt.timedelta(minutes=15)
LIMITS = {
    ThrottleScope.PAIR: 5,
    ThrottleScope.ACCOUNT: 50,
    ThrottleScope.ADDRESS: 20,
    ThrottleScope.DEVICE: 5,
    ThrottleScope.CURRENT: 5,
    ThrottleScope.CODE: 10,
    ThrottleScope.SIGNUP: 10,
}


class AttemptCounter(models.Model):
    """Attempts of one scope and key (e.g. a user name from an address) in the current window."""

    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=ThrottleScope.choices)
    key = models.CharField(max_length=400)
    count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "scope", "key"], name="gallery_attempt_counter_once"
            )
        ]
        indexes = [models.Index(fields=["started_at"], name="gallery_attempt_started")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} × {self.count} since {self.started_at:%H:%M}"


def _where(studio_id: int, scope: ThrottleScope, key: str) -> dict[str, object]:
    return {"studio_id": studio_id, "scope": scope, "key": key.lower()[:400]}


def throttle_take(*, studio_id: int, checks: dict[ThrottleScope, str]) -> bool:
    """Count an attempt in each (scope, key); False, counting none, when any is at its limit."""
    allowed = counters_take(
        AttemptCounter,
        [(_where(studio_id, scope, key), LIMITS[scope]) for scope, key in checks.items() if key],
        window=WINDOW,
    )
    counters_prune(AttemptCounter, window=WINDOW)
    return allowed


def throttle_give_back(*, studio_id: int, checks: dict[ThrottleScope, str]) -> None:
    """The attempt succeeded: it is not counted against these (scope, key)s after all."""
    counters_give_back(
        AttemptCounter, [_where(studio_id, scope, key) for scope, key in checks.items() if key]
    )


def throttle_clear(*, studio_id: int, scope: ThrottleScope, key: str) -> None:
    AttemptCounter.objects.filter(**_where(studio_id, scope, key)).delete()
