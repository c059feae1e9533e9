"""Guest sign-up by mail: the answer never tells whether an address has a login.

A visitor who signs up is always told "check your email". The mail tells what only the
owner of the address may know: a new address gets a link that opens its guest login
(proving the address is theirs, so nobody can take another person's email before the
studio uploads them as a client); an address that has a login already gets a reminder to
sign in with it. Both go through the gallery's outbox.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from proofroom.core.throttling import ThrottleScope
from proofroom.gallery.accounts import (
    Account,
    AccountKind,
    account_email_taken,
    guest_pending_build,
)
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.mail import MailKind, mail_queue, mail_send_on_commit
from proofroom.gallery.tenants import Studio
from proofroom.gallery.throttle import throttle_take
from proofroom.gallery.visitors import INVITE_GRANT
from proofroom.sync.protocol import EventType

LINK_VALID = dt.timedelta(days=3)
_SALT = "proofroom.gallery.guest-confirm"

SIGNUPS_TOO_MANY = "Too many new logins from here; try again in 15 minutes."


class GuestEvent(models.Model):
    """An event a guest signed up on, and how they were let in then (its event code, an
    invitation, or nothing for a public event): "My galleries" lists it, and signing in
    lets them in again, while the studio keeps that code."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="guest_events")
    session = models.ForeignKey(
        OnlineSession, on_delete=models.CASCADE, related_name="guest_events"
    )
    grant = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "session"],
                name="guest_event_once",
                violation_error_message="This guest has this event already.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} on {self.session}"


def guest_event_remember(*, account: Account, session: OnlineSession, grant: str) -> None:
    """Keep the event a guest signed up on (or opened while signed in as a guest), with
    the grant that let them in; a newer grant (a new code) replaces the old one."""
    if account.kind != AccountKind.GUEST or session.account_id == account.pk:
        return
    GuestEvent.objects.update_or_create(
        account=account, session=session, defaults={"grant": grant[:40]}
    )


def guest_events_valid(*, account: Account) -> Q:
    """Which of the account's remembered events still let it in: a public one, one it was
    invited to, or a private one whose code the studio has not changed. As a filter on
    OnlineSession."""
    return Q(guest_events__account=account) & (
        Q(event_type=EventType.PUBLIC)
        | Q(guest_events__grant=INVITE_GRANT)
        | Q(event_type=EventType.PRIVATE, guest_events__grant=F("event_code"))
    )


def guest_grants(*, account: Account) -> dict[str, str]:
    """The grants a guest's sign-in brings back on a new browser: {session uuid: grant}."""
    if account.kind != AccountKind.GUEST:
        return {}
    return {
        str(session_uuid): grant
        for session_uuid, grant in GuestEvent.objects.filter(account=account)
        .exclude(grant="")
        .values_list("session__uuid", "grant")
    }


@dataclass(frozen=True)
class GuestLink:
    """What a confirmation link names: the pending sign-up, its event and how the visitor
    was let into the event then (its code, or an invitation)."""

    studio_id: int
    account: uuid.UUID
    session: uuid.UUID
    grant: str


def guest_link_token(link: GuestLink) -> str:
    return signing.dumps(
        {"s": link.studio_id, "a": str(link.account), "e": str(link.session), "g": link.grant},
        salt=_SALT,
        compress=True,
    )


def guest_link_read(*, studio: Studio, token: str) -> GuestLink | None:
    """The link's content, if we signed it for this studio less than ``LINK_VALID`` ago."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=LINK_VALID)
        link = GuestLink(
            studio_id=int(data["s"]),
            account=uuid.UUID(str(data["a"])),
            session=uuid.UUID(str(data["e"])),
            grant=str(data["g"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return link if link.studio_id == studio.pk else None


def guest_signup_request(
    *,
    studio: Studio,
    session: OnlineSession,
    grant: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    link_for: Callable[[str], str],
    sign_in_url: str,
    address: str,
) -> None:
    """Check the sign-up (names, password rules: the same for every address) and mail the
    address: a link that opens a new guest login, or, when the address has a login, a
    reminder to sign in. ``link_for(token)`` makes the confirmation link's absolute URL.

    Every sign-up from ``address`` (the visitor's) counts against its limit, not only the
    refused ones: what abuse makes is accounts and mail. Past the limit, ValidationError
    and nothing is checked or sent. The attempt is counted outside the sign-up's
    transaction, so a refused sign-up still counts.
    """
    if not throttle_take(studio_id=studio.pk, checks={ThrottleScope.SIGNUP: address}):
        raise ValidationError(SIGNUPS_TOO_MANY, code="throttled")
    _signup_mail(
        studio=studio,
        session=session,
        grant=grant,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
        link_for=link_for,
        sign_in_url=sign_in_url,
    )


@atomic
def _signup_mail(
    *,
    studio: Studio,
    session: OnlineSession,
    grant: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    link_for: Callable[[str], str],
    sign_in_url: str,
) -> None:
    pending = guest_pending_build(
        studio_id=studio.pk,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
    )
    Account.objects.filter(
        studio=studio,
        kind=AccountKind.GUEST,
        pending=True,
        created_at__lt=timezone.now() - LINK_VALID,
    ).delete()
    context = {"studio": studio, "session": session, "name": pending.first_name}
    if account_email_taken(studio_id=studio.pk, email=pending.email):
        kind, subject, template = (
            MailKind.GUEST_HAS_LOGIN,
            f"You have a login at {studio.name} already",
            "gallery/email/guest_has_login.txt",
        )
        context["sign_in"] = sign_in_url
    else:
        pending.save()
        kind, subject, template = (
            MailKind.GUEST_CONFIRM,
            f"Open your guest login at {studio.name}",
            "gallery/email/guest_confirm.txt",
        )
        token = guest_link_token(
            GuestLink(studio_id=studio.pk, account=pending.uuid, session=session.uuid, grant=grant)
        )
        context["link"] = link_for(token)
    mail = mail_queue(
        studio=studio,
        kind=kind,
        to=[pending.email],
        reply_to=[studio.email] if studio.email else None,
        subject=subject,
        text=render_to_string(template, context),
    )
    mail_send_on_commit([mail])
