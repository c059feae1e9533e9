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
    REMOVE_EXPIRED = "remove_expired", "Remove expired sessions"


# Shown on the synchronizer, disabled, until the issues that build them land.
LATER_KINDS = {
    "uploads": [
        "Upload Prepaid Orders",
        "Upload Contracts",
        "Upload Client Album",
        "Upload Videos",
    ],
    "downloads": [
        "Download Orders",
        "Download Yearbook Image Selection",
        "Download Guests",
        "Download Favorite Images",
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
