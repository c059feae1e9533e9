"""The studio's record of its syncs with the gallery: options, live progress and a log.

One sync runs at a time. The live run (queued or running) holds a lease: the running
sync renews it as it makes progress, and a run whose lease lapsed (its process was
killed, or no worker ever took it) is marked failed, so the next sync can start. A
database constraint keeps two starts at the same moment from both becoming live.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from django.utils import timezone

from proofroom.studio.dates import local, studio_now, studio_zone
from proofroom.sync.protocol import ChangeKind

logger = logging.getLogger(__name__)


class SyncKind(models.TextChoices):
    """The synchronizer's checkboxes (the seed's Uploads and Downloads sections). A download
    is read from the gallery's change feed under the protocol's name for its kind."""

    SESSIONS = "sessions", "Upload Sessions & Images"
    CLIENTS = "clients", "Upload Client Logins"
    PRICE_LISTS = "price_lists", "Upload Price Lists"
    PREPAID_ORDERS = "prepaid_orders", "Upload Prepaid Orders"
    REMOVE_EXPIRED = "remove_expired", "Remove expired sessions"
    DOWNLOAD_FAVOURITES = ChangeKind.FAVOURITES.value, "Download Favorite Images"
    DOWNLOAD_GUESTS = ChangeKind.GUEST.value, "Download Guests"
    DOWNLOAD_YEARBOOK = ChangeKind.YEARBOOK.value, "Download Yearbook Image Selection"
    DOWNLOAD_ORDERS = ChangeKind.ORDER.value, "Download Orders"
    DOWNLOAD_PREPAID = ChangeKind.PREPAID.value, "Download Prepaid Order Selections"


class SyncTrigger(models.TextChoices):
    """Who or what started a run."""

    DESK = "desk", "The desk"
    SCHEDULE = "schedule", "The automatic sync"
    CLI = "cli", "The command line"
    DEMO = "demo", "The demo"


# Guests first: an order placed by a new guest then finds the client its guest record made.
DOWNLOAD_KINDS = [
    SyncKind.DOWNLOAD_GUESTS,
    SyncKind.DOWNLOAD_ORDERS,
    SyncKind.DOWNLOAD_PREPAID,
    SyncKind.DOWNLOAD_FAVOURITES,
    SyncKind.DOWNLOAD_YEARBOOK,
]


# Shown on the synchronizer, disabled, until the issues that build them land.
LATER_KINDS = {
    "uploads": [
        "Upload Contracts",
        "Upload Client Album",
        "Upload Videos",
    ],
    "downloads": [
        "Download Contracts",
        "Download Album Comments & Approvals",
    ],
}


class SyncStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


LIVE = [SyncStatus.QUEUED, SyncStatus.RUNNING]

# How long a queued sync may wait for a background worker before it is given up.
QUEUE_WAIT = dt.timedelta(minutes=15)


def sync_lease() -> dt.timedelta:
    """How long a running sync may go without a sign of life (PROOFROOM_SYNC_LEASE_SECONDS)."""
    return dt.timedelta(seconds=settings.SYNC_LEASE_SECONDS)


def queued_lease_until() -> dt.datetime:
    return timezone.now() + QUEUE_WAIT


class SyncRun(models.Model):
    """One run of the synchronizer, started from the desk, the command line or a schedule."""

    kinds = models.JSONField(default=list)
    session_ids = models.JSONField(default=list, blank=True, help_text="Only these sessions.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(max_length=10, choices=SyncTrigger.choices, default=SyncTrigger.DESK)
    status = models.CharField(max_length=10, choices=SyncStatus.choices, default=SyncStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    step = models.CharField(max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    sessions_uploaded = models.PositiveIntegerField(default=0)
    sessions_removed = models.PositiveIntegerField(default=0)
    images_sent = models.PositiveIntegerField(default=0)
    downloaded = models.JSONField(default=dict, blank=True, help_text="changes applied, per kind")
    uploaded = models.JSONField(
        default=dict, blank=True, help_text="clients, price lists, prepaid orders sent"
    )
    bytes_sent = models.PositiveBigIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        default=queued_lease_until,
        help_text="A live run not renewed by then is taken for dead and marked failed.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one live run: a partial unique index on a constant.
            models.UniqueConstraint(
                models.Value(1),
                condition=Q(status__in=LIVE),
                name="one_live_sync",
                violation_error_message="Another sync is running.",
            )
        ]

    def __str__(self) -> str:
        return f"sync {self.pk} ({self.get_status_display()})"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(SyncKind.choices)
        return [labels.get(k, k) for k in self.kinds]

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    @cached_property
    def _zone(self) -> zoneinfo.ZoneInfo:
        # Looked up once per run, not once per line of its log.
        return studio_zone()

    def note(self, line: str) -> None:
        """Append a line to the log at once, so the desk shows it live, timed on the
        studio's clocks like every other time on the desk."""
        stamp = studio_now(zone=self._zone).strftime("%H:%M:%S")
        SyncRun.objects.filter(pk=self.pk).update(
            log=Concat(F("log"), models.Value(f"{stamp} {line}\n"))
        )

    def progress(
        self, *, step: str | None = None, done: int | None = None, total: int | None = None
    ) -> None:
        fields: dict[str, object] = {}
        if step is not None:
            fields["step"] = step[:200]
        if done is not None:
            fields["done"] = done
        if total is not None:
            fields["total"] = total
        SyncRun.objects.filter(pk=self.pk).update(**fields)


class SyncBusy(Exception):
    """Another sync is live; the message, for the desk, the terminal or the log, says which."""

    def __init__(self, live: SyncRun | None) -> None:
        self.live = live
        super().__init__(_busy_message(live))


def _clock(moment: dt.datetime) -> str:
    return local(moment).strftime("%H:%M")


# Who started a live run no one on the desk started, as the busy message says it.
_STARTED_BY: dict[str, str] = {
    SyncTrigger.SCHEDULE: " by the automatic sync",
    SyncTrigger.CLI: " from the command line",
}


def _busy_message(live: SyncRun | None) -> str:
    if live is None:
        return "Another sync started at the same moment. Try again when it has finished."
    if live.started_by is not None:
        who = f" by {live.started_by.get_full_name() or live.started_by.get_username()}"
    else:
        who = _STARTED_BY.get(live.trigger, "")
    if live.status == SyncStatus.QUEUED:
        since = f"queued at {_clock(live.created_at)}{who}"
        doing = f"Another sync is waiting for the background worker ({since})"
    else:
        since = f"started at {_clock(live.started_at or live.created_at)}{who}"
        doing = f"Another sync is running ({since})"
    lapse = (
        f" If its process has died, it is marked failed at {_clock(live.lease_until)}."
        if live.lease_until
        else ""
    )
    return f"{doing}. Only one sync runs at a time: start this one when it has finished.{lapse}"


def sync_runs_expire() -> int:
    """Mark failed each live run whose lease lapsed: its process died or stalled, or no
    worker took it. Returns how many."""
    now = timezone.now()
    lapsed = Q(lease_until__lt=now) | Q(lease_until__isnull=True)
    count = 0
    for run in SyncRun.objects.filter(lapsed, status__in=LIVE):
        if run.status == SyncStatus.QUEUED:
            why = (
                "Not started: no background worker took it in time. "
                "Is `proofroom worker` (or `proofroom serve`) running?"
            )
        else:
            why = (
                "Stopped: its process ended without finishing. "
                "The next sync goes on from where it stopped."
            )
        if SyncRun.objects.filter(lapsed, pk=run.pk, status=run.status).update(
            status=SyncStatus.FAILED, finished_at=now, step=why[:200]
        ):
            run.note(why)
            logger.warning("sync %s: lease lapsed while %s; marked failed", run.pk, run.status)
            count += 1
    return count


def sync_live() -> SyncRun | None:
    return SyncRun.objects.filter(status__in=LIVE).select_related("started_by").first()


def sync_claim(
    *,
    kinds: list[str],
    user: object | None = None,
    session_ids: list[int] | None = None,
    trigger: SyncTrigger = SyncTrigger.DESK,
) -> SyncRun:
    """Record a new run as the one live sync (queued), or raise SyncBusy."""
    from django.contrib.auth.models import User

    sync_runs_expire()
    try:
        with transaction.atomic():
            return SyncRun.objects.create(
                kinds=[k for k in kinds if k in SyncKind.values],
                session_ids=session_ids or [],
                started_by=user if isinstance(user, User) else None,
                trigger=trigger,
            )
    except IntegrityError:
        raise SyncBusy(sync_live()) from None


def sync_begin(run: SyncRun) -> bool:
    """The worker (or the command) takes a queued run: running, under a fresh lease.
    False when it is no longer queued (given up, or taken by another worker)."""
    now = timezone.now()
    return bool(
        SyncRun.objects.filter(pk=run.pk, status=SyncStatus.QUEUED).update(
            status=SyncStatus.RUNNING, started_at=now, lease_until=now + sync_lease()
        )
    )


def sync_lease_renew(run: SyncRun) -> bool:
    """A sign of life of the running sync. False when its lease was given up meanwhile."""
    return bool(
        SyncRun.objects.filter(pk=run.pk, status=SyncStatus.RUNNING).update(
            lease_until=timezone.now() + sync_lease()
        )
    )


def sync_in_progress() -> SyncRun | None:
    """The live sync, if any, after marking failed the ones whose lease lapsed."""
    sync_runs_expire()
    return sync_live()


def sync_runs_listed() -> models.QuerySet[SyncRun]:
    """Past and live syncs, newest first, with who started each (the sync log)."""
    return SyncRun.objects.select_related("started_by")


def sync_run_get(*, pk: int) -> SyncRun:
    """One sync of the log, after marking failed the ones whose lease lapsed; 404 if none."""
    sync_runs_expire()
    return get_object_or_404(sync_runs_listed(), pk=pk)


def last_scheduled_sync() -> SyncRun | None:
    sync_runs_expire()
    return SyncRun.objects.filter(trigger=SyncTrigger.SCHEDULE).order_by("-created_at").first()


def sync_run_downloaded(*, run: SyncRun, kind: str, applied: int) -> None:
    """Record how many changes of one download kind the run applied."""
    counts = SyncRun.objects.values_list("downloaded", flat=True).get(pk=run.pk)
    SyncRun.objects.filter(pk=run.pk).update(downloaded={**counts, kind: applied})


def sync_run_session_uploaded(*, run: SyncRun) -> None:
    SyncRun.objects.filter(pk=run.pk).update(sessions_uploaded=F("sessions_uploaded") + 1)


def sync_run_sessions_removed(*, run: SyncRun, count: int) -> None:
    SyncRun.objects.filter(pk=run.pk).update(sessions_removed=count)


def sync_finish(
    *,
    run: SyncRun,
    status: SyncStatus,
    step: str,
    requests: int,
    bytes_sent: int,
    images_sent: int,
) -> None:
    """End a run with its totals, only while it holds its lease: a run given up meanwhile
    stays failed."""
    SyncRun.objects.filter(pk=run.pk, status=SyncStatus.RUNNING).update(
        status=status,
        finished_at=timezone.now(),
        step=step[:200],
        requests=requests,
        bytes_sent=bytes_sent,
        images_sent=images_sent,
    )
