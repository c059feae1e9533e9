"""Invitations: the client of a client-only session invites someone by email to view it."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Any

from django.core.mail import send_mail
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from proofroom.core.dates import date_display
from proofroom.gallery.accounts import Account
from proofroom.gallery.events import (
    Invitation,
    OnlineSession,
)
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import EventType

log = logging.getLogger(__name__)

INVITATIONS_PER_DAY = 25


def invitation_for_token(*, studio: Studio, token: str) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.select_related("session"), token=token, session__studio=studio
    )
    invitation.session.studio = studio
    return invitation


class InvitationRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_send(
    *, session: OnlineSession, invited_by: Account, email: str, link_for: Any
) -> Invitation:
    """Invite someone by email to view a client-only session, and send them its link.

    Only the session's client may invite; inviting the same address again sends the
    same link. ``link_for(token)`` makes the absolute URL of the invitation.
    """
    if session.account_id != invited_by.pk or session.event_type != EventType.NONE:
        raise Http404("No such gallery.")
    since = timezone.now() - dt.timedelta(days=1)
    if (
        Invitation.objects.filter(invited_by=invited_by, created_at__gte=since).count()
        >= INVITATIONS_PER_DAY
    ):
        raise InvitationRefused("You have sent many invitations today; try again tomorrow.")
    email = email.strip()
    invitation = Invitation.objects.filter(session=session, email__iexact=email).first()
    if invitation is None:
        invitation = Invitation.objects.create(session=session, email=email, invited_by=invited_by)
    studio = session.studio
    body = (
        f"{invited_by.full_name} has invited you to view the photographs of "
        f"“{session.title}” from {studio.name}.\n\n"
        f"Open the gallery:\n{link_for(invitation.token)}\n\n"
        f"The gallery is online until {date_display(session.expire_date)}.\n"
    )
    try:
        send_mail(
            # One line, whatever the names in it: Django refuses a header with a line break.
            " ".join(f"{invited_by.full_name} invited you to view “{session.title}”".split()),
            body,
            None,
            [email],
        )
    except (smtplib.SMTPException, OSError) as error:
        log.warning("invitation mail to %s failed: %s", email, error)
        raise InvitationRefused(
            "The invitation could not be sent just now; try again later."
        ) from error
    return invitation
