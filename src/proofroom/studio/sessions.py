"""Sessions (photo shoots) and session types, and their place on the Digital Workflow."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TypedDict, Unpack

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.dispatch import Signal

from proofroom.core.services import model_update
from proofroom.studio.clients import Client
from proofroom.studio.pricelists import PriceList
from proofroom.studio.workflow import StatusChange, WorkflowStage, first_stage

FIRST_SESSION_NUMBER = 1001


class SessionType(models.Model):
    """A kind of session (wedding, family portrait…) with its online defaults."""

    name = models.CharField(max_length=80, unique=True)
    web_price_list = models.ForeignKey(
        PriceList,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="session_types",
        limit_choices_to={"web_enabled": True},
        help_text="The web-enabled price list offered online by default.",
    )
    days_active = models.PositiveIntegerField(
        "days active online",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="How many days a session of this type stays online by default.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.web_price_list is not None and not self.web_price_list.web_enabled:
            raise ValidationError({"web_price_list": "Choose a web-enabled price list."})


class Session(models.Model):
    """A photo session for a client. ``number`` is how the desk and the command line name it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="sessions")
    session_type = models.ForeignKey(
        SessionType, on_delete=models.PROTECT, related_name="sessions", verbose_name="type"
    )
    date = models.DateField()
    description = models.CharField(max_length=200, blank=True)
    stage = models.ForeignKey(
        WorkflowStage, on_delete=models.PROTECT, related_name="sessions", verbose_name="status"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def title(self) -> str:
        return self.description or f"{self.session_type} — {self.client}"


def _next_number() -> int:
    highest = Session.objects.aggregate(n=Max("number"))["n"]
    return FIRST_SESSION_NUMBER if highest is None else highest + 1


def session_create(
    *,
    client: Client,
    session_type: SessionType,
    date: dt.date,
    description: str = "",
    stage: WorkflowStage | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> Session:
    """A new session, numbered after the last one, at the workflow's first stage."""
    stage = stage or first_stage()
    if stage is None:
        raise ValidationError("The studio has no workflow stages; run the set-up first.")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                session = Session(
                    number=_next_number(),
                    client=client,
                    session_type=session_type,
                    date=date,
                    description=description,
                    stage=stage,
                )
                session.full_clean(exclude=["number"])
                session.save()
                StatusChange.objects.create(
                    session=session, to_stage=stage, changed_by=_staff(user)
                )
                return session
        except IntegrityError:
            # Another desk took the same number at the same moment: take the next.
            continue
    raise ValidationError("Could not number the session; please try again.")


SESSION_FIELDS = ("client", "session_type", "date", "description")


class SessionFields(TypedDict, total=False):
    """What staff may change on a session (``SESSION_FIELDS``)."""

    client: Client
    session_type: SessionType
    date: dt.date
    description: str


@transaction.atomic
def session_update(*, session: Session, **fields: Unpack[SessionFields]) -> Session:
    model_update(instance=session, fields=SESSION_FIELDS, data=fields)
    session.full_clean()
    session.save()
    return session


def _staff(user: AbstractBaseUser | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) else None


# Sent inside the transaction that moves a session to a stage (session=, stage=): the
# letters' triggers queue their mail with it.
session_stage_entered = Signal()


@transaction.atomic
def session_status_change(
    *, session: Session, stage: WorkflowStage, user: AbstractBaseUser | AnonymousUser | None
) -> bool:
    """Move a session to a stage and record who did it. False when it was already there."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.stage_id == stage.pk:
        return False
    StatusChange.objects.create(
        session=locked, from_stage=locked.stage, to_stage=stage, changed_by=_staff(user)
    )
    locked.stage = stage
    locked.save(update_fields=["stage", "updated_at"])
    session.stage = stage
    session_stage_entered.send(sender=Session, session=locked, stage=stage)
    return True


def sessions_search(
    *, query: str = "", stage: WorkflowStage | None = None, client: Client | None = None
) -> QuerySet[Session]:
    """Sessions matching a number, a client's name or email, or words of the description
    (only the client's, given one)."""
    sessions = (
        Session.objects.select_related("client", "session_type", "stage")
        .annotate(image_count=Count("images"))
        .order_by("-date", "-number")
    )
    if stage is not None:
        sessions = sessions.filter(stage=stage)
    if client is not None:
        sessions = sessions.filter(client=client)
    for word in query.split():
        condition = (
            Q(client__first_name__icontains=word)
            | Q(client__last_name__icontains=word)
            | Q(client__email__icontains=word)
            | Q(description__icontains=word)
            | Q(session_type__name__icontains=word)
        )
        if word.lstrip("#").isdigit():
            condition |= Q(number=int(word.lstrip("#")))
        sessions = sessions.filter(condition)
    return sessions


def session_by_number(number: int) -> Session | None:
    return (
        Session.objects.select_related("client", "session_type", "stage")
        .filter(number=number)
        .first()
    )


def status_history(session: Session, *, limit: int = 20) -> QuerySet[StatusChange]:
    """The session's latest moves between stages, with who made them."""
    return session.status_changes.select_related("from_stage", "to_stage", "changed_by")[:limit]


def sessions_for_menu() -> QuerySet[Session]:
    """Every session with what its menu entry shows (client, type)."""
    return Session.objects.select_related("client", "session_type")
