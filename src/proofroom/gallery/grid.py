"""The listings a visitor browses: the public events, a client's sessions, a session's
groups and its grid of images, filtered and placed."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from proofroom.gallery.access import is_session_client, may_choose
from proofroom.gallery.accounts import Account, AccountKind
from proofroom.gallery.choices import own_group
from proofroom.gallery.events import (
    OnlineGroup,
    OnlineImage,
    OnlineSession,
)
from proofroom.gallery.guests import guest_events_valid
from proofroom.gallery.selections import (
    ClientGroup,
)
from proofroom.gallery.tenants import Studio
from proofroom.gallery.visitors import Visitor
from proofroom.sync.protocol import EventType


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
    """A client's own online sessions (not taken down), and the events a guest signed up on
    that still let them in, open ones apart from expired ones."""
    today = studio.today()
    mine = OnlineSession.objects.filter(studio=studio, account=account, taken_down_at=None)
    if account.kind == AccountKind.GUEST:
        mine = OnlineSession.objects.filter(
            pk__in=OnlineSession.objects.filter(
                guest_events_valid(account=account), studio=studio, taken_down_at=None
            ).values("pk")
        )
    sessions = _with_cover(mine).order_by("-date", "-pk")
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
