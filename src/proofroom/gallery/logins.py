"""Signing in to a studio's gallery: user name and password, a remembered device, an event
code; every attempt throttled per account and address."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

from proofroom.core.throttling import ThrottleScope
from proofroom.gallery.accounts import Account, account_authenticate
from proofroom.gallery.events import (
    OnlineSession,
    normalize_code,
)
from proofroom.gallery.tenants import Studio
from proofroom.gallery.throttle import throttle_clear, throttle_give_back, throttle_take
from proofroom.sync.protocol import EventType

log = logging.getLogger(__name__)

TOO_MANY = "Too many attempts; try again in 15 minutes."
LOGIN_REFUSED = "That user name and password do not match."
CODE_UNKNOWN = "We could not find an event with that code."
CODE_SHARED = (
    "This code opens more than one event, so we cannot tell which is yours: "
    "please ask the studio for your event's code."
)
NOT_CURRENT = "That is not your current password."


DEVICE_COOKIE = "proofroom_device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


@dataclass(frozen=True)
class Device:
    """A browser that signed in to an account before, named by a signed cookie."""

    account_uuid: str
    token: str


def _device_salt(studio: Studio) -> str:
    return f"proofroom.gallery.device:{studio.pk}"


def device_of(request: HttpRequest, studio: Studio) -> Device | None:
    """The browser's device cookie for this studio, if it carries our signature."""
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=_device_salt(studio), max_age=DEVICE_MAX_AGE
    )
    account_uuid, _, token = str(value or "").partition("/")
    return Device(account_uuid, token) if account_uuid and token else None


def device_remember(
    request: HttpRequest, response: HttpResponse, studio: Studio, account: Account
) -> None:
    """Mark this browser as one ``account`` signed in from (its own throttle counter)."""
    known = device_of(request, studio)
    token = known.token if known is not None else secrets.token_urlsafe(16)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        f"{account.uuid}/{token}",
        salt=_device_salt(studio),
        max_age=DEVICE_MAX_AGE,
        path=f"/s/{studio.slug}/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    error: str = ""


def _login_checks(
    *, studio: Studio, username: str, address: str, device: Device | None
) -> dict[ThrottleScope, str]:
    """What a login attempt counts against. From a browser that signed in to this account
    before: only that browser's counter, so a guesser elsewhere cannot lock it out.
    Otherwise the user name from this address, the user name anywhere (a much higher
    ceiling) and the address."""
    if device is not None:
        known = (
            Account.objects.filter(studio=studio, username__iexact=username)
            .exclude(username="")
            .values_list("uuid", flat=True)
            .first()
        )
        if known is not None and constant_time_compare(str(known), device.account_uuid):
            return {ThrottleScope.DEVICE: f"{known}|{device.token}"}
    return {
        ThrottleScope.PAIR: f"{username}|{address}",
        ThrottleScope.ACCOUNT: username,
        ThrottleScope.ADDRESS: address,
    }


def login_attempt(
    *, studio: Studio, username: str, password: str, address: str, device: Device | None = None
) -> LoginResult:
    """Check a login, throttled (see :mod:`proofroom.gallery.throttle`). The attempt is
    counted before the password is checked, and the password is not even checked once a
    counter has had too many; a success is not counted, and clears its user name's
    counters of this address and this browser."""
    username = username.strip()
    checks = _login_checks(studio=studio, username=username, address=address, device=device)
    if not throttle_take(studio_id=studio.pk, checks=checks):
        return LoginResult(None, TOO_MANY)
    account = account_authenticate(studio_id=studio.pk, username=username, password=password)
    if account is None:
        return LoginResult(None, LOGIN_REFUSED)
    throttle_give_back(studio_id=studio.pk, checks=checks)
    for scope in (ThrottleScope.PAIR, ThrottleScope.DEVICE):
        if scope in checks:
            throttle_clear(studio_id=studio.pk, scope=scope, key=checks[scope])
    return LoginResult(account)


def current_password_problem(*, account: Account, password: str) -> str:
    """Empty when ``password`` is the account's; else what to say. Failures are throttled
    per account like failed logins are."""
    checks = {ThrottleScope.CURRENT: str(account.uuid)}
    if not throttle_take(studio_id=account.studio_id, checks=checks):
        return TOO_MANY
    if not check_password(password, account.password):
        return NOT_CURRENT
    throttle_give_back(studio_id=account.studio_id, checks=checks)
    return ""


# --------------------------------------------------------------------------- event codes


@dataclass(frozen=True)
class CodeResult:
    session: OnlineSession | None
    error: str = ""


def code_attempt(*, studio: Studio, code: str, address: str) -> CodeResult:
    """The private or public session with this event code (the open one, else the latest
    expired one), throttled per address. Wrong and unknown codes look the same; a code
    that two open sessions share opens neither."""
    checks = {ThrottleScope.CODE: address}
    if not throttle_take(studio_id=studio.pk, checks=checks):
        return CodeResult(None, TOO_MANY)
    code = normalize_code(code)
    found = list(
        OnlineSession.objects.filter(studio=studio, event_code=code)
        .exclude(event_code="")
        .exclude(event_type=EventType.NONE)
        .order_by("-published_at")[:20]
    )
    for session in found:
        session.studio = studio
    if not found:
        return CodeResult(None, CODE_UNKNOWN)
    throttle_give_back(studio_id=studio.pk, checks=checks)
    open_ones = [s for s in found if s.is_open]
    if len(open_ones) > 1:
        # Two sessions share the code (from an older desk): which guest is whose cannot be
        # told, so neither opens rather than one client's guests seeing another's photos.
        log.warning("Event code shared by %d open sessions of studio %s", len(open_ones), studio)
        return CodeResult(None, CODE_SHARED)
    return CodeResult(open_ones[0] if open_ones else found[0])
