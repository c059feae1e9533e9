"""The studio's record of its syncs with the gallery: options, live progress and a log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone


class SyncKind(models.TextChoices):
    """The synchronizer's checkboxes (the seed's Uploads and Downloads sections)."""

    SESSIONS = "sessions", "Upload Sessions & Images"
    CLIENTS = "clients", "Upload Client Logins"
    PRICE_LISTS = "price_lists", "Upload Price Lists"
    PREPAID_ORDERS = "prepaid_orders", "Upload Prepaid Orders"
    REMOVE_EXPIRED = "remove_expired", "Remove expired sessions"
    DOWNLOAD_FAVOURITES = "favourites", "Download Favorite Images"
    DOWNLOAD_GUESTS = "guest", "Download Guests"
    DOWNLOAD_YEARBOOK = "yearbook", "Download Yearbook Image Selection"
    DOWNLOAD_ORDERS = "order", "Download Orders"
    DOWNLOAD_PREPAID = "prepaid", "Download Prepaid Order Selections"


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


class SyncRun(models.Model):
    """One run of the synchronizer, started from the desk, the command line or a schedule."""

    kinds = models.JSONField(default=list)
    session_ids = models.JSONField(default=list, blank=True, help_text="Only these sessions.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(max_length=10, default="desk")
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
    bytes_sent = models.PositiveBigIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"sync {self.pk} ({self.get_status_display()})"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(SyncKind.choices)
        return [labels.get(k, k) for k in self.kinds]

    def note(self, line: str) -> None:
        """Append a line to the log at once, so the desk shows it live."""
        stamp = timezone.now().strftime("%H:%M:%S")
        SyncRun.objects.filter(pk=self.pk).update(
            log=models.functions.Concat(F("log"), models.Value(f"{stamp} {line}\n"))
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


def sync_start(
    *,
    kinds: list[str],
    user: object | None = None,
    session_ids: list[int] | None = None,
    trigger: str = "desk",
) -> SyncRun:
    """Queue a sync; the background worker runs it (never inside a web request)."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from proofroom.studio.tasks import sync_run

    valid = [k for k in kinds if k in SyncKind.values]
    run = SyncRun.objects.create(
        kinds=valid,
        session_ids=session_ids or [],
        started_by=user if isinstance(user, User) else None,
        trigger=trigger,
    )
    transaction.on_commit(lambda: sync_run.enqueue(run.pk))
    return run


def sync_in_progress() -> SyncRun | None:
    return SyncRun.objects.filter(status__in=[SyncStatus.QUEUED, SyncStatus.RUNNING]).first()


AUTO_SYNC_MIN_MINUTES = 5


def auto_sync_configure(*, minutes: int, kinds: list[str]) -> None:
    """Turn the scheduled sync on (every ``minutes``) or off (0). A new schedule replaces the
    old one: ticks of an older generation stop by themselves."""
    from django.db import transaction

    from proofroom.studio.studios import Studio, studio_get
    from proofroom.studio.tasks import sync_tick

    studio = studio_get()
    if studio is None:
        return
    if minutes and minutes < AUTO_SYNC_MIN_MINUTES:
        minutes = AUTO_SYNC_MIN_MINUTES
    generation = studio.auto_sync_generation + 1
    Studio.objects.filter(pk=studio.pk).update(
        auto_sync_minutes=minutes,
        auto_sync_kinds=[k for k in kinds if k in SyncKind.values],
        auto_sync_generation=generation,
    )
    if minutes:
        transaction.on_commit(lambda: sync_tick.enqueue(generation))


def auto_sync_tick(*, generation: int) -> SyncRun | None:
    """One beat of the schedule: sync now (unless one is running), then book the next beat."""
    import datetime as dt

    from proofroom.studio.studios import studio_get
    from proofroom.studio.tasks import sync_tick
    from proofroom.sync.client import sync_run_execute

    studio = studio_get()
    if studio is None or studio.auto_sync_generation != generation or not studio.auto_sync_minutes:
        return None
    run = None
    if sync_in_progress() is None and studio.auto_sync_kinds:
        run = SyncRun.objects.create(kinds=studio.auto_sync_kinds, trigger="schedule")
        run = sync_run_execute(run_id=run.pk)
    later = timezone.now() + dt.timedelta(minutes=studio.auto_sync_minutes)
    sync_tick.using(run_after=later).enqueue(generation)
    return run


def last_scheduled_sync() -> SyncRun | None:
    return SyncRun.objects.filter(trigger="schedule").order_by("-created_at").first()
