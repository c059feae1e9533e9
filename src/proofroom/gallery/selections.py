"""What clients and guests choose online: favourites, their own groups, a yearbook pose.

Favourites and yearbook picks go home to the studio through the change feed;
client-made groups stay on the gallery (they are the client's own way around).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

from proofroom.gallery.accounts import Account
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.feed import change_emit
from proofroom.sync import protocol


class Favourite(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="favourites")
    image = models.ForeignKey(OnlineImage, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "image"]
        constraints = [models.UniqueConstraint(fields=["account", "image"], name="favourite_once")]

    def __str__(self) -> str:
        return f"{self.account} ♥ {self.image}"


class ClientGroup(models.Model):
    """A group a client (or guest) made of a session's images."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="own_groups")
    session = models.ForeignKey(
        OnlineSession, on_delete=models.CASCADE, related_name="client_groups"
    )
    name = models.CharField(max_length=80)
    images = models.ManyToManyField(OnlineImage, related_name="client_groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "session", "name"],
                name="client_group_name_once",
                violation_error_message="You already have a group with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class YearbookPick(models.Model):
    """The one image a client picked as the yearbook pose of a session."""

    session = models.ForeignKey(
        OnlineSession, on_delete=models.CASCADE, related_name="yearbook_picks"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey(OnlineImage, on_delete=models.CASCADE, related_name="+")
    picked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session"]
        constraints = [
            models.UniqueConstraint(fields=["session", "account"], name="yearbook_pick_once")
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.image}"


def _emit_favourites(account: Account, session: OnlineSession) -> None:
    images = Favourite.objects.filter(account=account, image__session=session).order_by(
        "image__position"
    )
    change_emit(
        studio_id=session.studio_id,
        kind=protocol.ChangeKind.FAVOURITES,
        payload=protocol.FavouritesChange(
            session=session.uuid,
            account=account.uuid,
            client=account.client_uuid,
            images=[f.image.uuid for f in images.select_related("image")],
        ).model_dump(mode="json"),
    )


@atomic
def favourite_set(*, account: Account, image: OnlineImage, on: bool) -> bool:
    """Heart or un-heart an image; the studio hears the account's whole set for the session."""
    if on:
        _, changed = Favourite.objects.get_or_create(account=account, image=image)
    else:
        changed = Favourite.objects.filter(account=account, image=image).delete()[0] > 0
    if changed:
        _emit_favourites(account, image.session)
    return on


def favourite_ids(*, account: Account | None, session: OnlineSession) -> set[int]:
    if account is None:
        return set()
    return set(
        Favourite.objects.filter(account=account, image__session=session).values_list(
            "image_id", flat=True
        )
    )


@atomic
def client_group_create(*, account: Account, session: OnlineSession, name: str) -> ClientGroup:
    group = ClientGroup(account=account, session=session, name=name.strip())
    group.full_clean()
    group.save()
    return group


@atomic
def client_group_rename(*, group: ClientGroup, name: str) -> ClientGroup:
    group.name = name.strip()
    group.full_clean()
    group.save(update_fields=["name"])
    return group


@atomic
def client_group_delete(*, group: ClientGroup) -> None:
    group.delete()


@atomic
def client_group_add(*, group: ClientGroup, image_ids: Iterable[int]) -> int:
    images = OnlineImage.objects.filter(session=group.session_id, pk__in=list(image_ids))
    group.images.add(*images)
    return images.count()


@atomic
def client_group_remove(*, group: ClientGroup, image_ids: Iterable[int]) -> None:
    group.images.remove(*group.images.filter(pk__in=list(image_ids)))


class YearbookClosed(ValidationError):
    pass


def yearbook_open(session: OnlineSession, today: dt.date | None = None) -> bool:
    if session.yearbook_deadline is None:
        return False
    return (today or session.today()) <= session.yearbook_deadline


@atomic
def yearbook_pick(*, account: Account, image: OnlineImage) -> YearbookPick:
    """Pick (or change) the yearbook pose; refused after the deadline or for an ineligible image."""
    session = (
        OnlineSession.objects.select_for_update().select_related("studio").get(pk=image.session_id)
    )
    if session.account_id != account.pk:
        raise YearbookClosed("Only the session's client picks the yearbook pose.")
    if session.yearbook_deadline is None:
        raise YearbookClosed("This session has no yearbook selection.")
    if not yearbook_open(session):
        raise YearbookClosed(
            f"The yearbook selection closed on {session.yearbook_deadline:%-d %B %Y}."
        )
    if str(image.uuid) not in set(session.yearbook_images):
        raise YearbookClosed("This image is not one of the yearbook poses.")
    pick, _ = YearbookPick.objects.update_or_create(
        session=session, account=account, defaults={"image": image}
    )
    change_emit(
        studio_id=session.studio_id,
        kind=protocol.ChangeKind.YEARBOOK,
        payload=protocol.YearbookChange(
            session=session.uuid, image=image.uuid, picked_at=pick.picked_at
        ).model_dump(mode="json"),
    )
    return pick
