"""Desk log-in, throttled: attempts per user name and per address.

Django's login view with a form that refuses, for 15 minutes, a user name that failed 5
times or an address that failed 20 times, even with the right password then, so a
password cannot be guessed at speed. Each attempt is counted before the password is
checked, atomically (see :mod:`proofroom.core.throttling`), so a burst of concurrent
guesses gets no more than the limit checked. A successful log-in is not counted and
clears its user name's count. Kept in the studio's database, beside the staff logins it
protects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from proofroom.core.net import client_address
from proofroom.core.throttling import (
    ThrottleScope,
    counters_give_back,
    counters_prune,
    counters_take,
)

WINDOW = dt.timedelta(minutes=15)
LIMITS = {ThrottleScope.USER: 5, ThrottleScope.ADDRESS: 20}
TOO_MANY = "Too many attempts; try again in 15 minutes."


class DeskLoginCounter(models.Model):
    """Log-in attempts of one user name or one address in the current window."""

    scope = models.CharField(max_length=10, choices=ThrottleScope.choices)
    key = models.CharField(max_length=254)
    count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="desk_login_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} × {self.count} since {self.started_at:%H:%M}"


def _wheres(checks: dict[ThrottleScope, str]) -> list[dict[str, Any]]:
    return [{"scope": scope, "key": key.lower()[:254]} for scope, key in checks.items() if key]


def login_attempt_take(checks: dict[ThrottleScope, str]) -> bool:
    """Count an attempt for the user name and the address; False (counting none) when
    either has had its limit in the window."""
    allowed = counters_take(
        DeskLoginCounter, [(w, LIMITS[w["scope"]]) for w in _wheres(checks)], window=WINDOW
    )
    counters_prune(DeskLoginCounter, window=WINDOW)
    return allowed


class ThrottledLogin(AuthenticationForm):
    """Refuses a throttled user name or address before checking the password."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = (
            client_address(self.request.META, trusted_proxies=settings.TRUSTED_PROXIES)
            if self.request is not None
            else ""
        )
        checks = {ThrottleScope.USER: username, ThrottleScope.ADDRESS: address}
        if not login_attempt_take(checks):
            raise ValidationError(TOO_MANY, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is not None:  # the right password of an inactive user
                counters_give_back(DeskLoginCounter, _wheres(checks))
            raise
        counters_give_back(DeskLoginCounter, _wheres(checks))
        DeskLoginCounter.objects.filter(scope=ThrottleScope.USER, key=username.lower()).delete()
        return cleaned


class DeskLoginForm(ThrottledLogin):
    """The desk's log-in page: staff logins only. Any other is told what a wrong password
    is told, so the page does not confirm a client's or a guest's password."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise self.get_invalid_login_error()


class MaintenanceLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """The maintenance lists' (Django admin's) own log-in page, throttled the same way."""
