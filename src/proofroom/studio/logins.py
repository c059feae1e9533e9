"""Desk log-in, throttled: failed attempts per user name and per address.

Django's login view with a form that refuses, for 15 minutes, a user name that failed 5
times or an address that failed 20 times, even with the right password then, so a
password cannot be guessed at speed. A successful log-in clears its user name's count.
Kept in the studio's database, beside the staff logins it protects.
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

WINDOW = dt.timedelta(minutes=15)
LIMITS = {"user": 5, "address": 20}
TOO_MANY = "Too many attempts; try again in 15 minutes."


class DeskLoginFailure(models.Model):
    scope = models.CharField(max_length=10)
    key = models.CharField(max_length=254)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} at {self.at:%H:%M}"


def login_throttled(checks: dict[str, str]) -> bool:
    """True when a user name or address has had its limit of failures in the window."""
    since = timezone.now() - WINDOW
    return any(
        DeskLoginFailure.objects.filter(scope=scope, key=key.lower(), at__gte=since).count()
        >= LIMITS[scope]
        for scope, key in checks.items()
        if key
    )


def login_failed(checks: dict[str, str]) -> None:
    DeskLoginFailure.objects.bulk_create(
        DeskLoginFailure(scope=scope, key=key.lower()) for scope, key in checks.items() if key
    )
    DeskLoginFailure.objects.filter(at__lt=timezone.now() - 4 * WINDOW).delete()


class ThrottledLogin(AuthenticationForm):
    """Refuses a throttled user name or address before checking the password."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = (
            client_address(self.request.META, trusted_proxies=settings.TRUSTED_PROXIES)
            if self.request is not None
            else ""
        )
        checks = {"user": username, "address": address}
        if login_throttled(checks):
            raise ValidationError(TOO_MANY, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is None:  # wrong user name or password (not: inactive)
                login_failed(checks)
            raise
        DeskLoginFailure.objects.filter(scope="user", key=username.lower()).delete()
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
