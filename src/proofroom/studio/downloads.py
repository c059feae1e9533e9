"""What comes home from the gallery: orders, prepaid picks, favourites, guests, yearbook picks.

Each download kind has its own cursor into the gallery's change feed. A page of
changes is applied in one transaction together with the cursor it advances, so
a sync cut between the gallery's answer and our commit re-reads the same page,
and two syncs racing apply each change once (the cursor row is locked).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower

from proofroom.core.choices import mirror
from proofroom.studio.clients import Client, client_create
from proofroom.studio.guests import GuestLink
from proofroom.studio.images import Image, ImageGroup
from proofroom.studio.invoices.prepaid import prepaid_picks_apply
from proofroom.studio.invoices.web_orders import invoices_from_web_orders
from proofroom.studio.sessions import Session
from proofroom.studio.todos.events import todos_for_changes
from proofroom.sync import protocol

ONLINE_FAVOURITES = "Online Favorites"


@mirror(protocol.ChangeKind)
class DownloadKind(models.TextChoices):
    """What a cursor follows: a kind of the gallery's change feed (the protocol's values)."""

    FAVOURITES = protocol.ChangeKind.FAVOURITES.value, "Online favourites"
    GUEST = protocol.ChangeKind.GUEST.value, "Guests"
    YEARBOOK = protocol.ChangeKind.YEARBOOK.value, "Yearbook poses"
    ORDER = protocol.ChangeKind.ORDER.value, "Web orders"
    PREPAID = protocol.ChangeKind.PREPAID.value, "Prepaid order picks"
    ACCOUNT = protocol.ChangeKind.ACCOUNT.value, "Activated client logins"


class DownloadCursor(models.Model):
    """The last change of one kind this desk applied."""

    kind = models.CharField(max_length=20, unique=True, choices=DownloadKind.choices)
    last_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind} ≤ {self.last_seq}"


class OnlineFavourite(models.Model):
    """One online account's favourite; the session's "Online Favorites" group is their union."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    account_uuid = models.UUIDField()
    client = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The client whose online login this is; a guest's is found by its GuestLink.",
    )
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["session", "account_uuid"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "account_uuid", "image"], name="online_favourite_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_uuid} ♥ {self.image}"


class YearbookSettings(models.Model):
    """Yearbook selection of a session: open until a deadline, among eligible images."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="yearbook")
    deadline = models.DateField()
    eligible_group = models.ForeignKey(
        ImageGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: every image online is eligible.",
    )
    image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="yearbook image",
    )
    picked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"yearbook of {self.session}"


# --- Appliers: each idempotent, given one change's data ----------------------------


def apply_favourites(data: protocol.FavouritesChange) -> None:
    session = Session.objects.filter(uuid=data.session).first()
    if session is None:
        return
    images = list(Image.objects.filter(session=session, uuid__in=data.images))
    client = Client.objects.filter(uuid=data.client).first() if data.client else None
    OnlineFavourite.objects.filter(session=session, account_uuid=data.account).exclude(
        image__in=images
    ).delete()
    for image in images:
        OnlineFavourite.objects.update_or_create(
            session=session, account_uuid=data.account, image=image, defaults={"client": client}
        )
    group, _ = ImageGroup.objects.get_or_create(session=session, name=ONLINE_FAVOURITES)
    group.images.set(
        Image.objects.filter(
            pk__in=OnlineFavourite.objects.filter(session=session).values("image_id")
        )
    )


@dataclass(frozen=True)
class Hearter:
    """One online login whose hearts are in a session's "Online Favorites"."""

    account_uuid: uuid.UUID
    name: str
    is_guest: bool
    image_ids: frozenset[int]

    @property
    def role(self) -> str:
        return "guest" if self.is_guest else "client"


def favourite_hearters(*, session: Session) -> list[Hearter]:
    """Who hearted the session's online favourites: the client first, then each guest by
    name (a guest not downloaded yet is "Guest" until Download Guests brings them)."""
    hearts: dict[uuid.UUID, set[int]] = {}
    clients: dict[uuid.UUID, Client] = {}
    for fav in OnlineFavourite.objects.filter(session=session).select_related("client"):
        hearts.setdefault(fav.account_uuid, set()).add(fav.image_id)
        if fav.client is not None:
            clients[fav.account_uuid] = fav.client
    guests = {
        link.account_uuid: link.client
        for link in GuestLink.objects.filter(account_uuid__in=hearts).select_related("client")
    }
    found = []
    for account_uuid, image_ids in hearts.items():
        is_guest = account_uuid not in clients
        person = clients.get(account_uuid) or guests.get(account_uuid)
        found.append(
            Hearter(
                account_uuid=account_uuid,
                name=str(person) if person is not None else "Guest",
                is_guest=is_guest,
                image_ids=frozenset(image_ids),
            )
        )
    return sorted(found, key=lambda h: (h.is_guest, h.name.casefold(), str(h.account_uuid)))


def apply_guest(data: protocol.GuestChange) -> None:
    if GuestLink.objects.filter(account_uuid=data.account).exists():
        return
    session = Session.objects.filter(uuid=data.session).first() if data.session else None
    existing = (
        Client.objects.annotate(e=Lower("email")).filter(e=data.email.strip().lower()).first()
        if data.email.strip()
        else None
    )
    client = existing or client_create(
        first_name=data.first_name[:80] or "Guest",
        last_name=data.last_name[:80] or "—",
        email=data.email,
        notes=f"Guest account made online{f' for session #{session.number}' if session else ''}.",
    )
    GuestLink.objects.create(
        account_uuid=data.account,
        client=client,
        session=session,
        linked_existing=existing is not None,
    )


def apply_yearbook(data: protocol.YearbookChange) -> None:
    settings = YearbookSettings.objects.filter(session__uuid=data.session).first()
    image = Image.objects.filter(session__uuid=data.session, uuid=data.image).first()
    if settings is None or image is None:
        return
    if settings.picked_at is not None and settings.picked_at >= data.picked_at:
        return
    settings.image, settings.picked_at = image, data.picked_at
    settings.save(update_fields=["image", "picked_at"])


def apply_account_activated(data: protocol.AccountActivatedChange) -> None:
    """The client chose their own gallery password; one from before a Reset Login the
    studio pressed since is stale (the login goes back to the last name)."""
    Client.objects.filter(
        uuid=data.client, login_reset=data.login_reset, gallery_password_chosen_at__isnull=True
    ).update(gallery_password_chosen_at=data.activated_at)


def _favourites(data: dict[str, object]) -> None:
    apply_favourites(protocol.FavouritesChange.model_validate(data))


def _guest(data: dict[str, object]) -> None:
    apply_guest(protocol.GuestChange.model_validate(data))


def _yearbook(data: dict[str, object]) -> None:
    apply_yearbook(protocol.YearbookChange.model_validate(data))


def _account(data: dict[str, object]) -> None:
    apply_account_activated(protocol.AccountActivatedChange.model_validate(data))


def _prepaid(data: dict[str, object]) -> None:
    prepaid_picks_apply(protocol.PrepaidChange.model_validate(data))


def _orders(page: list[dict[str, object]]) -> None:
    invoices_from_web_orders([protocol.OrderChange.model_validate(data) for data in page])


# Kinds applied a page at a time (a fixed number of queries per page, not per change).
PAGE_APPLIERS: dict[str, Callable[[list[dict[str, object]]], None]] = {
    protocol.ChangeKind.ORDER: _orders,
}

APPLIERS: dict[str, Callable[[dict[str, object]], None]] = {
    protocol.ChangeKind.PREPAID: _prepaid,
    protocol.ChangeKind.FAVOURITES: _favourites,
    protocol.ChangeKind.GUEST: _guest,
    protocol.ChangeKind.YEARBOOK: _yearbook,
    protocol.ChangeKind.ACCOUNT: _account,
}


@transaction.atomic
def changes_apply(*, kind: str, page: protocol.ChangesPage) -> tuple[int, int]:
    """Apply a page of one kind with the cursor it advances. Returns (applied, new cursor)."""
    cursor, _ = DownloadCursor.objects.select_for_update().get_or_create(kind=kind)
    # Skipped: what another sync applied already.
    fresh = [c for c in page.changes if c.seq > cursor.last_seq and c.kind == kind]
    applied = len(fresh)
    if kind in PAGE_APPLIERS:
        if fresh:
            PAGE_APPLIERS[kind]([change.data for change in fresh])
    elif kind in APPLIERS:
        apply = APPLIERS[kind]
        for change in fresh:
            apply(change.data)
    else:
        # A kind this desk cannot apply (a newer gallery's): passed over.
        applied = 0
    # The automatic tasks of these changes, in this transaction: made once (issue 14).
    todos_for_changes(kind=kind, page=[change.data for change in fresh])
    # Past the whole page, changes of another kind on it too (passed over, not applied):
    # a cursor that stood still would have the download ask for the same page forever.
    cursor.last_seq = max([cursor.last_seq, *(c.seq for c in page.changes)])
    cursor.save(update_fields=["last_seq", "updated_at"])
    return applied, cursor.last_seq


def cursor_for(kind: str) -> int:
    cursor = DownloadCursor.objects.filter(kind=kind).first()
    return cursor.last_seq if cursor else 0


@transaction.atomic
def yearbook_configure(
    *, session: Session, deadline: dt.date | None, eligible_group: ImageGroup | None
) -> YearbookSettings | None:
    """Turn the yearbook selection on (with a deadline) or off; the next sync sends it."""
    from proofroom.studio.online import OnlineSettings, OnlineState

    if eligible_group is not None and eligible_group.session_id != session.pk:
        raise ValidationError("Choose a group of this session.")
    settings = YearbookSettings.objects.filter(session=session).first()
    if deadline is None:
        if settings is not None:
            settings.delete()
        settings = None
    else:
        settings = settings or YearbookSettings(session=session)
        settings.deadline, settings.eligible_group = deadline, eligible_group
        settings.save()
    OnlineSettings.objects.filter(
        session=session, state__in=[OnlineState.ONLINE, OnlineState.PENDING]
    ).update(needs_upload=True, revision=models.F("revision") + 1)
    return settings


def yearbook_of(*, session: Session) -> YearbookSettings | None:
    """The session's yearbook selection with the image picked, if it has one."""
    return YearbookSettings.objects.filter(session=session).select_related("image").first()
