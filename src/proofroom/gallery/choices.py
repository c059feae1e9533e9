"""What a visitor chose in a session, as its page shows it: favourites, their own groups and
the yearbook pose."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from proofroom.gallery.access import is_session_client, may_choose
from proofroom.gallery.accounts import Account
from proofroom.gallery.events import (
    OnlineImage,
    OnlineSession,
)
from proofroom.gallery.selections import (
    ClientGroup,
    Favourite,
    YearbookPick,
    favourite_ids,
    yearbook_open,
)
from proofroom.gallery.visitors import Visitor


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
