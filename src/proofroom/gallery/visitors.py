"""The gallery's visitor: who is looking at one studio's site, kept per studio in Django's
session (the gallery's own store and cookie), under ``gallery:<studio id>``::

    {"account": 12, "hash": "…", "events": {"<session uuid>": "invite" | "<event code>"}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare

from proofroom.core.net import client_address as address_of
from proofroom.gallery.accounts import Account
from proofroom.gallery.events import (
    OnlineSession,
)
from proofroom.gallery.tenants import Studio

INVITE_GRANT = "invite"


@dataclass(frozen=True)
class Visitor:
    """Who is looking at one studio's site: maybe a signed-in account, maybe granted events."""

    studio: Studio
    account: Account | None = None
    grants: dict[str, str] = field(default_factory=dict)

    @property
    def must_set_password(self) -> bool:
        return self.account is not None and self.account.must_set_password


def _key(studio: Studio) -> str:
    return f"gallery:{studio.pk}"


def _state(request: HttpRequest, studio: Studio) -> dict[str, Any]:
    state = request.session.get(_key(studio))
    return dict(state) if isinstance(state, dict) else {}


def _save(request: HttpRequest, studio: Studio, state: dict[str, Any]) -> None:
    # Assigned anew (never mutated in place) so the session knows it changed.
    request.session[_key(studio)] = state


def studio_by_slug(slug: str) -> Studio:
    return get_object_or_404(Studio, slug=slug)


def visitor_for(request: HttpRequest, studio: Studio) -> Visitor:
    """The visitor of ``studio``; a login whose password changed elsewhere is signed out."""
    state = _state(request, studio)
    grants = state.get("events")
    grants = {str(k): str(v) for k, v in grants.items()} if isinstance(grants, dict) else {}
    account = None
    if state.get("account") is not None:
        account = Account.objects.filter(studio=studio, pk=state["account"]).first()
        if account is None or not constant_time_compare(
            str(state.get("hash", "")), account.session_hash
        ):
            account = None
            state.pop("account", None)
            state.pop("hash", None)
            _save(request, studio, state)
    if account is not None:
        account.studio = studio
    return Visitor(studio=studio, account=account, grants=grants)


def visitor_sign_in(
    request: HttpRequest, studio: Studio, account: Account, grants: dict[str, str] | None = None
) -> None:
    """Sign ``account`` in on this browser, with a new session key (no fixation); ``grants``
    (a guest's events) join the events this browser was let into."""
    request.session.cycle_key()
    state = _state(request, studio)
    state.update(account=account.pk, hash=account.session_hash)
    if grants:
        state["events"] = {**(state.get("events") or {}), **grants}
    _save(request, studio, state)


def visitor_sign_out(request: HttpRequest, studio: Studio) -> None:
    """Forget everything this browser held for the studio: the login and the granted events."""
    request.session.pop(_key(studio), None)
    request.session.cycle_key()


def visitor_password_changed(request: HttpRequest, studio: Studio, account: Account) -> None:
    """Keep this browser signed in after a password change; every other one is signed out."""
    visitor_sign_in(request, studio, account)


def visitor_grant(request: HttpRequest, studio: Studio, session: OnlineSession, how: str) -> None:
    """Let this browser view ``session``; ``how`` is the event code used, or INVITE_GRANT."""
    state = _state(request, studio)
    grants = dict(state.get("events") or {})
    grants[str(session.uuid)] = how
    state["events"] = grants
    _save(request, studio, state)


def client_address(request: HttpRequest) -> str:
    """The visitor's address, for throttling: the connection's, or, behind
    ``settings.TRUSTED_PROXIES`` proxies, the one the outermost of them saw."""
    return address_of(request.META, trusted_proxies=settings.TRUSTED_PROXIES)
