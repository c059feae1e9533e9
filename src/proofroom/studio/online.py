"""A session's online settings (the uploader's Session Info), and what is marked for upload.

The studio is the system of record: these say what the gallery should show,
and the synchronizer makes it so at the next sync.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone

from proofroom.core.choices import mirror
from proofroom.studio.clients import Client
from proofroom.studio.dates import studio_today
from proofroom.studio.images import Image, ImageGroup, Rating
from proofroom.studio.pricelists import PriceList
from proofroom.studio.sessions import Session, session_status_change
from proofroom.studio.studios import studio_get
from proofroom.studio.workflow import StageRole, WorkflowStage, stage_for_role
from proofroom.sync import protocol


@mirror(protocol.EventType)
class EventType(models.TextChoices):
    """Who may view an online session; the values are the protocol's."""

    NONE = protocol.EventType.NONE.value, "None — the client and people they invite"
    PRIVATE = protocol.EventType.PRIVATE.value, "Private — anyone with the event code"
    PUBLIC = protocol.EventType.PUBLIC.value, "Public — listed on the studio's site"


class OnlineState(models.TextChoices):
    DRAFT = "draft", "Not uploaded"
    PENDING = "pending", "Waiting for the next sync"
    ONLINE = "online", "Online"
    REMOVED = "removed", "Taken down"


LIVE_STATES = [OnlineState.PENDING, OnlineState.ONLINE]
LIVE_EVENT = (
    models.Q(state__in=LIVE_STATES)
    & models.Q(event_type__in=[EventType.PRIVATE, EventType.PUBLIC])
    & ~models.Q(event_code="")
)


class OnlineSettings(models.Model):
    """What the session uploader chose for one session."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="online")
    days_active = models.PositiveIntegerField(
        "number of days active",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    expire_date = models.DateField()
    price_list = models.ForeignKey(
        PriceList,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"web_enabled": True},
    )
    event_type = models.CharField(max_length=8, choices=EventType.choices, default=EventType.NONE)
    event_code = models.CharField(max_length=40, blank=True)
    event_description = models.CharField(max_length=500, blank=True)
    images = models.ManyToManyField(Image, related_name="+", blank=True)
    left_out = models.ManyToManyField(
        Image,
        related_name="+",
        blank=True,
        help_text="Left out one by one in the uploader, though a rating or group chose them.",
    )
    state = models.CharField(max_length=8, choices=OnlineState.choices, default=OnlineState.DRAFT)
    needs_upload = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(
        default=0,
        help_text="Grows with every change; a sync clears needs_upload only for the one it sent.",
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    take_down_requested = models.BooleanField(
        default=False,
        help_text="Take down now: the next sync deletes it from the gallery, expired or not.",
    )
    gallery_url = models.URLField(blank=True)
    last_problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["expire_date"]
        constraints = [
            # Guests open an event by its code alone: two online sessions sharing one
            # would let one client's guests into the other's gallery.
            models.UniqueConstraint(
                Upper("event_code"),
                condition=LIVE_EVENT,
                name="online_event_code_unique",
                violation_error_message="Another online session uses this event code already.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} online until {self.expire_date}"

    def clean(self) -> None:
        if self.event_type == EventType.PRIVATE and not self.event_code.strip():
            raise ValidationError({"event_code": "A private event needs an event code."})
        if self.price_list is not None and not self.price_list.web_enabled:
            raise ValidationError({"price_list": "Choose a web-enabled price list."})


def online_defaults(*, session: Session) -> OnlineSettings:
    """The uploader's starting point: the saved settings, or the session type's defaults."""
    existing = OnlineSettings.objects.filter(session=session).first()
    if existing is not None:
        return existing
    days = session.session_type.days_active
    return OnlineSettings(
        session=session,
        days_active=days,
        expire_date=studio_today() + dt.timedelta(days=days),
        price_list=session.session_type.web_price_list,
        # The gallery shows the session's title above the description: a default of the
        # title would say it twice.
        event_description="",
    )


def images_for_upload(
    *,
    session: Session,
    ratings: list[str],
    group_ids: list[int],
    image_ids: list[int],
    left_out_ids: list[int] | None = None,
) -> list[int]:
    """The union of images chosen by rating, by group and one by one, of this session only,
    less those left out one by one."""
    chosen = Image.objects.filter(session=session).exclude(pk__in=left_out_ids or [])
    by_rating = chosen.filter(rating__in=[r for r in ratings if r in Rating.values])
    by_group = chosen.filter(
        groups__in=ImageGroup.objects.filter(session=session, pk__in=group_ids)
    )
    one_by_one = chosen.filter(pk__in=image_ids)
    ids: set[int] = set()
    for part in (by_rating, by_group, one_by_one):
        ids.update(part.values_list("pk", flat=True))
    return sorted(ids)


def event_code_normalize(code: str) -> str:
    """Without spaces, as the gallery compares codes (which also ignores case)."""
    return "".join(code.split())


def event_code_holder(*, code: str, session: Session | None = None) -> OnlineSettings | None:
    """The online session (other than ``session``) whose event opens with ``code``."""
    if not event_code_normalize(code):
        return None
    found = (
        OnlineSettings.objects.filter(LIVE_EVENT)
        .annotate(code_ci=Upper("event_code"))
        .filter(code_ci=event_code_normalize(code).upper())
        .select_related("session", "session__client")
    )
    if session is not None:
        found = found.exclude(session=session)
    return found.first()


def _check_event_code_free(online: OnlineSettings) -> None:
    if online.event_type == EventType.NONE or online.state not in LIVE_STATES:
        return
    holder = event_code_holder(code=online.event_code, session=online.session)
    if holder is not None:
        other = holder.session
        raise ValidationError(
            {
                "event_code": (
                    f"Session #{other.number} {other.title} ({other.client}) uses the event "
                    f"code {holder.event_code} already: choose another code."
                )
            }
        )


@transaction.atomic
def session_mark_for_upload(
    *,
    session: Session,
    image_ids: list[int],
    online_group_ids: list[int],
    days_active: int,
    price_list: PriceList | None,
    event_type: str,
    event_code: str,
    event_description: str,
    left_out_ids: list[int] | None = None,
) -> OnlineSettings:
    """Save the uploader's choices; the next sync publishes them. ``left_out_ids`` are
    the images left out one by one, kept so that the uploader shows them so again."""
    online = online_defaults(session=session)
    online.days_active = days_active
    online.expire_date = studio_today() + dt.timedelta(days=days_active)
    online.price_list = price_list
    online.event_type = event_type
    online.event_code = event_code_normalize(event_code)
    online.event_description = event_description.strip()
    online.state = OnlineState.PENDING if online.state != OnlineState.ONLINE else online.state
    online.take_down_requested = False  # publishing again cancels a take-down not yet done
    _check_event_code_free(online)
    try:
        online.full_clean(exclude=["session"])
    except ValidationError:
        _check_event_code_free(online)  # another session took the code meanwhile: name it
        raise
    if not image_ids:
        raise ValidationError("Choose at least one image to upload.")
    online.needs_upload = True
    online.revision += 1
    try:
        with transaction.atomic():
            online.save()
    except IntegrityError:
        _check_event_code_free(online)  # a session saved the same code meanwhile
        raise
    left_out = set(left_out_ids or [])
    online.images.set(
        Image.objects.filter(session=session, pk__in=image_ids).exclude(pk__in=left_out)
    )
    online.left_out.set(Image.objects.filter(session=session, pk__in=left_out))
    for group in ImageGroup.objects.filter(session=session):
        show = group.pk in online_group_ids
        if group.show_online != show:
            group.show_online = show
            group.save(update_fields=["show_online"])
    return online


@transaction.atomic
def session_extend(*, session: Session, expire_date: dt.date) -> OnlineSettings:
    online = OnlineSettings.objects.select_for_update().get(session=session)
    if expire_date < studio_today():
        raise ValidationError("Choose today or a later date.")
    online.expire_date = expire_date
    online.needs_upload = (
        online.state in (OnlineState.ONLINE, OnlineState.PENDING) and not online.take_down_requested
    )
    online.revision += 1
    online.save(update_fields=["expire_date", "needs_upload", "revision"])
    return online


@transaction.atomic
def client_reset_login(*, client: Client) -> None:
    """Reset Login: user name back to the email, password to the last name, at the next sync."""
    Client.objects.filter(pk=client.pk).update(
        login_reset=models.F("login_reset") + 1,
        gallery_password_chosen_at=None,
        updated_at=timezone.now(),
    )
    client.refresh_from_db(fields=["login_reset"])


def sessions_expiring(*, within_days: int) -> tuple[list[OnlineSettings], list[OnlineSettings]]:
    """(expiring within the warning period, already expired) among online sessions."""
    today = studio_today()
    online = OnlineSettings.objects.filter(
        state__in=[OnlineState.ONLINE, OnlineState.PENDING]
    ).select_related("session", "session__client")
    expired = [o for o in online if o.expire_date < today]
    soon = [o for o in online if today <= o.expire_date <= today + dt.timedelta(days=within_days)]
    return soon, expired


def sessions_expired_online(*, today: dt.date) -> list[OnlineSettings]:
    """Sessions online (or on their way) whose expiry date is before ``today``."""
    return list(
        OnlineSettings.objects.filter(
            state__in=[OnlineState.ONLINE, OnlineState.PENDING], expire_date__lt=today
        ).select_related("session")
    )


def sessions_to_take_down() -> list[OnlineSettings]:
    """Sessions the desk asked to take down now, expired or not."""
    return list(OnlineSettings.objects.filter(take_down_requested=True).select_related("session"))


def online_take_down_pending(*, online: OnlineSettings) -> bool:
    """Asked to take down since ``online`` was read: a sync must not publish it again."""
    return OnlineSettings.objects.filter(pk=online.pk, take_down_requested=True).exists()


@transaction.atomic
def session_take_down(*, session: Session) -> OnlineSettings:
    """Take down now: the next sync deletes the session from the gallery before its expire
    date, without uploading it first. Marking it for upload again cancels the request."""
    online = OnlineSettings.objects.select_for_update().filter(session=session).first()
    if online is None or online.state == OnlineState.DRAFT:
        raise ValidationError("This session is not online.")
    if online.state == OnlineState.REMOVED and not online.needs_upload:
        raise ValidationError("This session is taken down already.")
    online.take_down_requested = True
    online.needs_upload = False
    online.revision += 1
    online.save(update_fields=["take_down_requested", "needs_upload", "revision"])
    return online


def online_published(
    *,
    online: OnlineSettings,
    revision: int,
    gallery_url: str,
    user: AbstractBaseUser | AnonymousUser | None,
) -> None:
    """The gallery published the session at ``gallery_url``. It stays marked for upload
    when the desk changed it since ``revision`` was read; the session moves on to the
    Online stage unless it is already there or past it (or back to it, when it was taken
    down before)."""
    with transaction.atomic():
        # Asked to take down while this sync was sending it: it stays marked, and the
        # take-down (later in this sync, or the next) deletes it from the gallery again.
        live = OnlineSettings.objects.filter(pk=online.pk, take_down_requested=False)
        if not live.update(
            state=OnlineState.ONLINE,
            uploaded_at=timezone.now(),
            gallery_url=gallery_url,
            last_problem="",
            removed_at=None,
        ):
            return
        OnlineSettings.objects.filter(pk=online.pk, revision=revision).update(needs_upload=False)
        session = online.session
        online_stage = stage_for_role(StageRole.ONLINE)
        # Put online again after a take-down, it comes back from wherever that moved it.
        again = online.removed_at is not None
        if online_stage is not None and (session.stage.position < online_stage.position or again):
            session_status_change(session=session, stage=online_stage, user=user)


def online_upload_failed(*, online: OnlineSettings, problem: str) -> None:
    """Why the session's last upload stopped, shown beside it on the desk."""
    OnlineSettings.objects.filter(pk=online.pk).update(last_problem=problem[:300])


def online_taken_down(
    *,
    online: OnlineSettings,
    revision: int,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> None:
    """The gallery took the session down; it is not uploaded again unless marked anew.

    Marked for upload again since ``revision`` was read (a re-publish racing the
    take-down), it waits for the next sync instead. A session at the Online stage moves
    on to the studio's stage for taken-down sessions (else the workflow's last)."""
    with transaction.atomic():
        now = timezone.now()
        done = OnlineSettings.objects.filter(pk=online.pk, revision=revision).update(
            state=OnlineState.REMOVED,
            removed_at=now,
            needs_upload=False,
            take_down_requested=False,
        )
        if not done:
            OnlineSettings.objects.filter(pk=online.pk, take_down_requested=False).update(
                state=OnlineState.PENDING, removed_at=now
            )
            return
        session = online.session
        online_stage = stage_for_role(StageRole.ONLINE)
        if online_stage is None or session.stage_id != online_stage.pk:
            return
        studio = studio_get()
        after = studio.taken_down_stage if studio else None
        after = after or WorkflowStage.objects.order_by("-position", "-pk").first()
        if after is not None and after.pk != online_stage.pk:
            session_status_change(session=session, stage=after, user=user)


def online_settings_of(*, session: Session) -> OnlineSettings | None:
    """The session's online settings, if it was ever marked for upload."""
    return OnlineSettings.objects.filter(session=session).first()


def online_image_ids(online: OnlineSettings) -> set[int]:
    """The images a session has online (none before its settings are saved)."""
    return set(online.images.values_list("pk", flat=True)) if online.pk else set()


def online_left_out_ids(online: OnlineSettings) -> set[int]:
    """The images left out one by one at the last upload (none before it)."""
    return set(online.left_out.values_list("pk", flat=True)) if online.pk else set()


def uploader_images(*, session: Session) -> list[Image]:
    """The uploader's images, each with its groups."""
    return list(Image.objects.filter(session=session).prefetch_related("groups"))


def uploader_groups(*, session: Session) -> QuerySet[ImageGroup]:
    """A session's groups by name, each with how many images it holds (``n``)."""
    return session.groups.annotate(n=Count("images")).order_by("name", "pk")


def uploader_rating_counts(*, session: Session) -> dict[str, int]:
    """How many of the session's images have each rating."""
    return dict(Image.objects.filter(session=session).values_list("rating").annotate(n=Count("pk")))
