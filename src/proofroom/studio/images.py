"""A session's images: import of originals, ratings, derivative state, and refused files."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import models, transaction

from proofroom.studio.sessions import Session


class Rating(models.TextChoices):
    """The seed's three ratings; new images are Undecided."""

    SELECTED = "selected", "Selected"
    NOT_SELECTED = "not_selected", "Not Selected"
    UNDECIDED = "undecided", "Undecided"


class ImageFileKind(models.TextChoices):
    """The files the desk serves of an image; ``key_field`` names where each is stored."""

    THUMB = "thumb", "Thumbnail"
    PREVIEW = "preview", "Preview"
    ORIGINAL = "original", "Original"

    @property
    def key_field(self) -> str:
        return {"thumb": "thumbnail_key", "preview": "preview_key", "original": "original_key"}[
            self.value
        ]


class DerivativeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for previews"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be read"


class Image(models.Model):
    """One original on a session. The original is kept untouched; previews are made from it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="images")
    file_name = models.CharField(max_length=255, help_text="As the photographer named it.")
    position = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    original_key = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField()
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(null=True, blank=True)
    camera = models.CharField(max_length=120, blank=True)
    rating = models.CharField(max_length=12, choices=Rating.choices, default=Rating.UNDECIDED)
    status = models.CharField(
        max_length=8, choices=DerivativeStatus.choices, default=DerivativeStatus.PENDING
    )
    problem = models.CharField(max_length=300, blank=True)
    preview_key = models.CharField(max_length=255, blank=True)
    preview_sha256 = models.CharField(max_length=64, blank=True)
    preview_width = models.PositiveIntegerField(null=True, blank=True)
    preview_height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_key = models.CharField(max_length=255, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "sha256"],
                name="image_once_per_session",
                violation_error_message="This file is already on the session.",
            )
        ]
        indexes = [models.Index(fields=["session", "rating"])]

    def __str__(self) -> str:
        return self.file_name


class ImportRejection(models.Model):
    """A file refused at import, with the reason the photographer is shown."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rejections")
    file_name = models.CharField(max_length=255)
    reason = models.CharField(max_length=300)
    size_bytes = models.PositiveBigIntegerField(default=0)
    refused_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "file_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "file_name"], name="rejection_once_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.file_name}: {self.reason}"


def import_rejections_clear(*, session: Session) -> int:
    """Forget the session's refused files (the photographer has seen to them); a file
    refused again by a later import is listed again. Returns how many were cleared."""
    cleared, _ = ImportRejection.objects.filter(session=session).delete()
    return cleared


class ImageGroup(models.Model):
    """A named group of a session's images; the studio chooses which groups show online."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=80)
    show_online = models.BooleanField(default=False)
    images = models.ManyToManyField(Image, related_name="groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "name"],
                name="group_name_once_per_session",
                violation_error_message="The session already has a group with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


def images_for_session(*, session: Session) -> models.QuerySet[Image]:
    return Image.objects.filter(session=session)


@transaction.atomic
def images_rate(*, session: Session, image_ids: Iterable[int], rating: Rating) -> int:
    """Set the rating of some of a session's images; ids of other sessions are ignored."""
    return Image.objects.filter(session=session, pk__in=list(image_ids)).update(rating=rating)


@transaction.atomic
def group_create(*, session: Session, name: str) -> ImageGroup:
    group = ImageGroup(session=session, name=name.strip())
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_rename(*, group: ImageGroup, name: str) -> ImageGroup:
    group.name = name.strip()
    group.full_clean()
    group.save(update_fields=["name"])
    return group


@transaction.atomic
def group_delete(*, group: ImageGroup) -> None:
    group.delete()


@transaction.atomic
def group_add_images(*, group: ImageGroup, image_ids: Iterable[int]) -> int:
    """Add images of the group's own session; returns how many were added."""
    wanted = set(
        Image.objects.filter(session_id=group.session_id, pk__in=list(image_ids)).values_list(
            "pk", flat=True
        )
    )
    already = set(group.images.filter(pk__in=wanted).values_list("pk", flat=True))
    group.images.add(*(wanted - already))
    return len(wanted - already)


@transaction.atomic
def group_remove_images(*, group: ImageGroup, image_ids: Iterable[int]) -> int:
    ids = list(image_ids)
    removed = group.images.filter(pk__in=ids).count()
    group.images.remove(*group.images.filter(pk__in=ids))
    return removed


@transaction.atomic
def group_set_online(*, group: ImageGroup, show_online: bool) -> None:
    group.show_online = show_online
    group.save(update_fields=["show_online"])


def groups_of_session(*, session: Session) -> models.QuerySet[ImageGroup]:
    """A session's groups (a menu of them)."""
    return ImageGroup.objects.filter(session=session)


def image_by_uuid(image_uuid: str) -> Image | None:
    return Image.objects.filter(uuid=image_uuid).first()


def images_of_session(*, session: Session | None) -> models.QuerySet[Image]:
    """A session's images, without their files' state (a menu of them); none without one."""
    return Image.objects.none() if session is None else Image.objects.filter(session=session)


def image_count(*, session: Session) -> int:
    return Image.objects.filter(session=session).count()


def rejections_of(*, session: Session) -> models.QuerySet[ImportRejection]:
    """What the session's imports refused, and why."""
    return ImportRejection.objects.filter(session=session)


def group_of_session(*, session: Session, group_id: int) -> ImageGroup | None:
    """One group, only among the session's."""
    return ImageGroup.objects.filter(session=session, pk=group_id).first()


def groups_with_image_counts(*, session: Session) -> models.QuerySet[ImageGroup]:
    """The viewer's groups by name, each with how many images it holds (``image_count``)."""
    return (
        ImageGroup.objects.filter(session=session)
        .annotate(image_count=models.Count("images"))
        .order_by("name", "pk")
    )


def images_for_grid(
    *, session: Session, rating: str = "", group: ImageGroup | None = None
) -> models.QuerySet[Image]:
    """The session's images for the grid, each with its groups' names in one extra query."""
    images = images_for_session(session=session)
    if group is not None:
        images = images.filter(groups=group)
    if rating:
        images = images.filter(rating=rating)
    return images.prefetch_related(
        models.Prefetch("groups", queryset=ImageGroup.objects.only("pk", "name").order_by("name"))
    )


def grid_rating_counts(*, session: Session, group: ImageGroup | None = None) -> dict[str, int]:
    """How many images have each rating (and in all), within a group when one is given."""
    images = images_for_session(session=session)
    if group is not None:
        images = images.filter(groups=group)
    return images.aggregate(
        all=models.Count("pk"),
        **{value: models.Count("pk", filter=models.Q(rating=value)) for value in Rating.values},
    )
