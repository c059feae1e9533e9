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
import secrets
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.mail import send_mail
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.dateformat import format as date_format

from proofroom.core.net import client_address as address_of
from proofroom.core.storage import stored_size
from proofroom.gallery.accounts import Account, account_authenticate
from proofroom.gallery.blobs import Blob
from proofroom.gallery.events import (
    Invitation,
    OnlineGroup,
    OnlineImage,
    OnlineSession,
    normalize_code,
)
from proofroom.gallery.selections import (
    ClientGroup,
    Favourite,
    YearbookPick,
    favourite_ids,
    yearbook_open,
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
    """The visitor's address, for throttling: the connection's, or, behind
    ``settings.TRUSTED_PROXIES`` proxies, the one the outermost of them saw."""
    return address_of(request.META, trusted_proxies=settings.TRUSTED_PROXIES)


# --------------------------------------------------------------------------- signing in


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
) -> dict[str, str]:
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
            return {"device": f"{known}|{device.token}"}
    return {"pair": f"{username}|{address}", "account": username, "address": address}


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
    for scope in ("pair", "device"):
        if scope in checks:
            throttle_clear(studio_id=studio.pk, scope=scope, key=checks[scope])
    return LoginResult(account)


def current_password_problem(*, account: Account, password: str) -> str:
    """Empty when ``password`` is the account's; else what to say. Failures are throttled
    per account like failed logins are."""
    checks = {"current": str(account.uuid)}
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
    checks = {"code": address}
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
    """Where a derivative of this studio is stored; Http404 when it is not there, or its
    file is not whole (never a part of a picture: the next sync sends it again)."""
    found = (
        Blob.objects.filter(studio_id=studio.pk, sha256=sha256)
        .values_list("key", "size_bytes")
        .first()
    )
    if found is None or stored_size(found[0]) != found[1]:
        raise Http404("No such image.")
    return found[0]


# --------------------------------------------------------------------------- listings


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
        expire_date__gte=studio.today(),
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
    today = studio.today()
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


@dataclass(frozen=True)
class GridFilter:
    """Which of a session's images a grid shows: all, a studio group, the visitor's
    favourites, one of the visitor's own groups, or the yearbook's eligible poses."""

    group: OnlineGroup | None = None
    favourites_of: Account | None = None
    own_group: ClientGroup | None = None
    yearbook: list[str] | None = None

    @property
    def query(self) -> str:
        """The query string that brings this filter back (no leading "?")."""
        if self.favourites_of is not None:
            return "favourites=1"
        if self.own_group is not None:
            return f"mine={self.own_group.pk}"
        if self.yearbook is not None:
            return "yearbook=1"
        if self.group is not None:
            return f"group={self.group.uuid}"
        return ""

    @property
    def label(self) -> str:
        if self.favourites_of is not None:
            return "in your favourites"
        if self.own_group is not None:
            return f"in {self.own_group.name}"
        if self.yearbook is not None:
            return "to choose from for the yearbook"
        if self.group is not None:
            return f"in {self.group.name}"
        return ""


def session_images(
    *, session: OnlineSession, grid: GridFilter | None = None
) -> QuerySet[OnlineImage]:
    """The images of a session (or those a filter keeps) in the studio's order, with only
    the columns a grid needs."""
    images = OnlineImage.objects.filter(session=session)
    grid = grid or GridFilter()
    if grid.group is not None:
        images = images.filter(groups=grid.group)
    if grid.favourites_of is not None:
        images = images.filter(favourites__account=grid.favourites_of)
    if grid.own_group is not None:
        images = images.filter(client_groups=grid.own_group)
    if grid.yearbook is not None:
        images = images.filter(uuid__in=grid.yearbook)
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
    *, session: OnlineSession, image_uuid: uuid.UUID, grid: GridFilter | None = None
) -> ImagePlace:
    """One image of a session with its place in the order and its neighbours; 404 if absent."""
    images = session_images(session=session, grid=grid)
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


# --------------------------------------------------------------------------- what visitors choose


def may_choose(session: OnlineSession, visitor: Visitor) -> bool:
    """Who keeps favourites and groups of their own on a session they may view: a
    signed-in account; on a client-only (None) session, only its client."""
    if visitor.account is None:
        return False
    if session.account_id == visitor.account.pk:
        return True
    return session.event_type in (EventType.PRIVATE, EventType.PUBLIC)


def guests_welcome(session: OnlineSession) -> bool:
    """Guests sign up on private and public events; a client-only session has none."""
    return session.event_type in (EventType.PRIVATE, EventType.PUBLIC)


def is_session_client(session: OnlineSession, visitor: Visitor) -> bool:
    return visitor.account is not None and session.account_id == visitor.account.pk


def image_of_session(*, session: OnlineSession, image_uuid: uuid.UUID) -> OnlineImage:
    """An image of this session; Http404 for any other (another session's or studio's)."""
    image = get_object_or_404(OnlineImage, session=session, uuid=image_uuid)
    image.session = session
    return image


def image_ids_of_session(*, session: OnlineSession, image_uuids: list[uuid.UUID]) -> list[int]:
    """The ids of those of ``image_uuids`` that belong to this session (others are ignored)."""
    return list(
        OnlineImage.objects.filter(session=session, uuid__in=image_uuids).values_list(
            "pk", flat=True
        )
    )


def favourite_count(*, account: Account, session: OnlineSession) -> int:
    return Favourite.objects.filter(account=account, image__session=session).count()


@dataclass(frozen=True)
class OwnGroups:
    """A visitor's own groups of a session, and which images each holds."""

    groups: list[ClientGroup]
    members: dict[int, set[int]]  # group id → image ids

    @property
    def counted(self) -> list[tuple[ClientGroup, int]]:
        return [(g, len(self.members.get(g.pk, ()))) for g in self.groups]

    def of_image(self, image_id: int) -> list[int]:
        return [g.pk for g in self.groups if image_id in self.members.get(g.pk, ())]


def own_groups(*, account: Account | None, session: OnlineSession) -> OwnGroups:
    """The account's groups of this session with their images, in one query."""
    if account is None:
        return OwnGroups(groups=[], members={})
    rows = (
        ClientGroup.objects.filter(account=account, session=session)
        .order_by("name", "pk")
        .values_list("pk", "name", "images__pk")
    )
    groups: dict[int, ClientGroup] = {}
    members: dict[int, set[int]] = {}
    for group_id, name, image_id in rows:
        if group_id not in groups:
            groups[group_id] = ClientGroup(pk=group_id, name=name, account=account, session=session)
            members[group_id] = set()
        if image_id is not None:
            members[group_id].add(image_id)
    return OwnGroups(groups=list(groups.values()), members=members)


def own_group(*, account: Account | None, session: OnlineSession, group_id: int) -> ClientGroup:
    """One of the account's own groups of this session; Http404 for anyone else's."""
    if account is None:
        raise Http404("No such group.")
    return get_object_or_404(ClientGroup, pk=group_id, account=account, session=session)


def yearbook_pick_of(*, account: Account, session: OnlineSession) -> YearbookPick | None:
    return (
        YearbookPick.objects.filter(session=session, account=account)
        .select_related("image")
        .first()
    )


@dataclass(frozen=True)
class Yearbook:
    """The session client's yearbook selection as the page shows it."""

    deadline: dt.date
    open: bool
    eligible: frozenset[uuid.UUID]
    pick: YearbookPick | None


@dataclass(frozen=True)
class Tile:
    """One thumbnail of the grid with what this visitor chose of it."""

    image: OnlineImage
    favourite: bool = False
    own_groups: tuple[int, ...] = ()
    eligible: bool = False
    picked: bool = False


@dataclass(frozen=True)
class Choices:
    """What a visitor chose in a session: favourites, own groups, the yearbook pose."""

    may_choose: bool
    favourites: set[int]
    own: OwnGroups
    yearbook: Yearbook | None

    def tiles(self, images: Iterable[OnlineImage]) -> list[Tile]:
        yearbook = self.yearbook
        picked = yearbook.pick.image_id if yearbook and yearbook.pick else None
        return [
            Tile(
                image=image,
                favourite=image.pk in self.favourites,
                own_groups=tuple(self.own.of_image(image.pk)),
                eligible=yearbook is not None and image.uuid in yearbook.eligible,
                picked=image.pk == picked,
            )
            for image in images
        ]


def choices_for(*, visitor: Visitor, session: OnlineSession) -> Choices:
    """Everything a session's page shows of the visitor's choices, in a fixed number of
    queries however many images the session has."""
    if not may_choose(session, visitor):
        return Choices(
            may_choose=False,
            favourites=set(),
            own=own_groups(account=None, session=session),
            yearbook=None,
        )
    account = visitor.account
    assert account is not None
    yearbook = None
    if session.yearbook_deadline is not None and is_session_client(session, visitor):
        yearbook = Yearbook(
            deadline=session.yearbook_deadline,
            open=yearbook_open(session),
            eligible=frozenset(uuid.UUID(str(u)) for u in session.yearbook_images),
            pick=yearbook_pick_of(account=account, session=session),
        )
    return Choices(
        may_choose=True,
        favourites=favourite_ids(account=account, session=session),
        own=own_groups(account=account, session=session),
        yearbook=yearbook,
    )


def grid_filter_for(
    *,
    visitor: Visitor,
    session: OnlineSession,
    groups: list[OnlineGroup],
    group_uuid: uuid.UUID | None = None,
    favourites: bool = False,
    mine: int | None = None,
    yearbook: bool = False,
) -> GridFilter:
    """The filter a query string asks for, among those this visitor has: the favourites
    and own groups of a visitor who may choose, the yearbook poses for the session's
    client. Another account's group is a 404; a filter the visitor lacks shows all."""
    if favourites and may_choose(session, visitor):
        return GridFilter(favourites_of=visitor.account)
    if mine is not None:
        return GridFilter(
            own_group=own_group(account=visitor.account, session=session, group_id=mine)
        )
    if yearbook and session.yearbook_deadline and is_session_client(session, visitor):
        return GridFilter(yearbook=[str(u) for u in session.yearbook_images])
    return GridFilter(group=next((g for g in groups if g.uuid == group_uuid), None))


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
