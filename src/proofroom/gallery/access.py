"""Who may see what on a studio's gallery site: the visitor's session and scoped selectors.

A visitor's state is kept per studio in Django's session (the gallery's own store
and cookie), under ``gallery:<studio id>``::

    {"account": 12, "hash": "…", "events": {"<session uuid>": "invite" | "<event code>"}}

An online session may be viewed by its client (signed in), by anyone when it is
public, and by visitors it was granted to: by its event code (private or public;
the grant lapses when the studio changes the code or makes the session
client-only) or by an invitation. Everything else is a 404, never a 403; once
the session has expired or been taken down, those allowed see "This gallery
has expired" and its images are gone.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.mail import send_mail
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.dateformat import format as date_format

from proofroom.gallery.accounts import Account, account_authenticate
from proofroom.gallery.blobs import Blob
from proofroom.gallery.events import (
    Invitation,
    OnlineGroup,
    OnlineImage,
    OnlineSession,
    normalize_code,
)
from proofroom.gallery.tenants import Studio
from proofroom.gallery.throttle import throttle_clear, throttle_fail, throttled
from proofroom.sync.protocol import EventType

log = logging.getLogger(__name__)

TOO_MANY = "Too many attempts; try again in 15 minutes."
LOGIN_REFUSED = "That user name and password do not match."
CODE_UNKNOWN = "We could not find an event with that code."
NOT_CURRENT = "That is not your current password."
INVITATIONS_PER_DAY = 25
INVITE_GRANT = "invite"


class GalleryExpired(Exception):
    """The visitor may view this session, but it has expired or was taken down."""

    def __init__(self, session: OnlineSession) -> None:
        super().__init__(session.title)
        self.session = session


# --------------------------------------------------------------------------- the visitor


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


def visitor_sign_in(request: HttpRequest, studio: Studio, account: Account) -> None:
    """Sign ``account`` in on this browser, with a new session key (no fixation)."""
    request.session.cycle_key()
    state = _state(request, studio)
    state.update(account=account.pk, hash=account.session_hash)
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
    return str(request.META.get("REMOTE_ADDR") or "")


# --------------------------------------------------------------------------- signing in


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    error: str = ""


def login_attempt(*, studio: Studio, username: str, password: str, address: str) -> LoginResult:
    """Check a login, throttled per user name and per address (the password is not even
    checked once either has had too many failures)."""
    checks = {"account": username.strip(), "address": address}
    if throttled(studio_id=studio.pk, checks=checks):
        return LoginResult(None, TOO_MANY)
    account = account_authenticate(studio_id=studio.pk, username=username, password=password)
    if account is None:
        throttle_fail(studio_id=studio.pk, checks=checks)
        return LoginResult(None, LOGIN_REFUSED)
    throttle_clear(studio_id=studio.pk, scope="account", key=username.strip())
    return LoginResult(account)


def current_password_problem(*, account: Account, password: str) -> str:
    """Empty when ``password`` is the account's; else what to say. Failures count against
    the account like failed logins do."""
    checks = {"account": account.username}
    if throttled(studio_id=account.studio_id, checks=checks):
        return TOO_MANY
    if not check_password(password, account.password):
        throttle_fail(studio_id=account.studio_id, checks=checks)
        return NOT_CURRENT
    return ""


# --------------------------------------------------------------------------- event codes


@dataclass(frozen=True)
class CodeResult:
    session: OnlineSession | None
    error: str = ""


def code_attempt(*, studio: Studio, code: str, address: str) -> CodeResult:
    """The private or public session with this event code (an open one first, else the
    latest expired one), throttled per address. Wrong and unknown codes look the same."""
    checks = {"code": address}
    if throttled(studio_id=studio.pk, checks=checks):
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
        throttle_fail(studio_id=studio.pk, checks=checks)
        return CodeResult(None, CODE_UNKNOWN)
    return CodeResult(next((s for s in found if s.is_open), found[0]))


# --------------------------------------------------------------------------- who may view


def may_view(session: OnlineSession, visitor: Visitor) -> bool:
    """The access rule, expiry aside (see :func:`session_for_visitor`)."""
    if visitor.account is not None and session.account_id == visitor.account.pk:
        return True
    if session.event_type == EventType.PUBLIC:
        return True
    how = visitor.grants.get(str(session.uuid))
    if how == INVITE_GRANT:
        return True
    return (
        how is not None
        and session.event_type == EventType.PRIVATE
        and bool(session.event_code)
        and constant_time_compare(how, session.event_code)
    )


def session_for_visitor(*, visitor: Visitor, session_uuid: uuid.UUID) -> OnlineSession:
    """The session, if this visitor may view it now. Http404 when they may not (or it is
    another studio's); GalleryExpired when they may but it is closed."""
    session = get_object_or_404(OnlineSession, studio=visitor.studio, uuid=session_uuid)
    session.studio = visitor.studio
    if not may_view(session, visitor):
        raise Http404("No such gallery.")
    if not session.is_open:
        raise GalleryExpired(session)
    return session


def image_for_visitor(*, visitor: Visitor, image_uuid: uuid.UUID) -> OnlineImage:
    """An image of an open session this visitor may view; Http404 for anything else."""
    candidates = OnlineImage.objects.filter(
        session__studio=visitor.studio, uuid=image_uuid
    ).select_related("session")[:5]
    for image in candidates:
        image.session.studio = visitor.studio
        if image.session.is_open and may_view(image.session, visitor):
            return image
    raise Http404("No such image.")


def blob_key_for(*, studio: Studio, sha256: str) -> str:
    """Where a derivative of this studio is stored; Http404 when it is not there."""
    key = (
        Blob.objects.filter(studio_id=studio.pk, sha256=sha256)
        .values_list("key", flat=True)
        .first()
    )
    if key is None:
        raise Http404("No such image.")
    return key


# --------------------------------------------------------------------------- listings


def _today(studio: Studio) -> dt.date:
    # An expire date is a date in the studio's time zone; OnlineSession knows how.
    return OnlineSession(studio=studio).today()


def _with_cover(sessions: QuerySet[OnlineSession]) -> QuerySet[OnlineSession]:
    first = OnlineImage.objects.filter(session=OuterRef("pk")).order_by("position", "pk")
    return sessions.annotate(
        cover_uuid=Subquery(first.values("uuid")[:1]),
        cover_width=Subquery(first.values("preview_width")[:1]),
        cover_height=Subquery(first.values("preview_height")[:1]),
        image_count=Count("images", distinct=True),
    )


def public_events(
    *, studio: Studio, on: dt.date | None = None, limit: int = 24
) -> list[OnlineSession]:
    """Open public events, the most recently published first; only those of ``on`` if given."""
    sessions = OnlineSession.objects.filter(
        studio=studio,
        event_type=EventType.PUBLIC,
        taken_down_at=None,
        expire_date__gte=_today(studio),
    )
    if on is not None:
        sessions = sessions.filter(date=on)
    return list(_with_cover(sessions).order_by("-published_at", "-pk")[:limit])


@dataclass(frozen=True)
class ClientSessions:
    open: list[OnlineSession]
    expired: list[OnlineSession]


def client_sessions(*, account: Account, studio: Studio) -> ClientSessions:
    """A client's own online sessions (not taken down), open ones apart from expired ones."""
    today = _today(studio)
    sessions = _with_cover(
        OnlineSession.objects.filter(studio=studio, account=account, taken_down_at=None)
    ).order_by("-date", "-pk")
    found = list(sessions)
    return ClientSessions(
        open=[s for s in found if s.expire_date >= today],
        expired=[s for s in found if s.expire_date < today],
    )


def session_groups(*, session: OnlineSession) -> list[OnlineGroup]:
    """The studio's groups shown online, with how many images each holds."""
    return list(session.groups.annotate(image_count=Count("images")).order_by("position", "name"))


def session_images(
    *, session: OnlineSession, group: OnlineGroup | None = None
) -> QuerySet[OnlineImage]:
    """The images of a session (or of one of its groups) in the studio's order, with only
    the columns a grid needs."""
    images = OnlineImage.objects.filter(session=session)
    if group is not None:
        images = images.filter(groups=group)
    return images.only(
        "uuid", "file_name", "position", "preview_width", "preview_height", "session_id"
    ).order_by("position", "pk")


@dataclass(frozen=True)
class ImagePlace:
    image: OnlineImage
    index: int
    total: int
    previous: OnlineImage | None
    next: OnlineImage | None


def image_in_session(
    *, session: OnlineSession, image_uuid: uuid.UUID, group: OnlineGroup | None = None
) -> ImagePlace:
    """One image of a session with its place in the order and its neighbours; 404 if absent."""
    images = session_images(session=session, group=group)
    image = images.filter(uuid=image_uuid).first()
    if image is None:
        raise Http404("No such image.")
    before = Q(position__lt=image.position) | Q(position=image.position, pk__lt=image.pk)
    after = Q(position__gt=image.position) | Q(position=image.position, pk__gt=image.pk)
    return ImagePlace(
        image=image,
        index=images.filter(before).count() + 1,
        total=images.count(),
        previous=images.filter(before).order_by("-position", "-pk").first(),
        next=images.filter(after).first(),
    )


def group_of_session(*, session: OnlineSession, group_uuid: uuid.UUID | None) -> OnlineGroup | None:
    if group_uuid is None:
        return None
    return session.groups.filter(uuid=group_uuid).first()


# --------------------------------------------------------------------------- invitations


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
        f"The gallery is online until {date_format(session.expire_date, 'j F Y')}.\n"
    )
    try:
        send_mail(
            f"{invited_by.full_name} invited you to view “{session.title}”",
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
