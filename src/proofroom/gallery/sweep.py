"""The sweep: derivatives no session uses and files no row names leave the gallery's storage.

A derivative can outlive every session that used it: an upload cut after its bytes were
sent, whose selection then changed, never publishes them; a crash between writing a file
and committing its row leaves a file (or a temporary file) behind. The sweep removes them
once they are older than a grace period longer than any sync (24 hours unless
``PROOFROOM_SWEEP_GRACE_HOURS`` says otherwise).

It never deletes a derivative a session uses (taken-down sessions use none), nor one a
sync was told the gallery has, or sent, within the grace period: ``Blob.touched_at`` is
set in a row lock each time. A row being touched right now is locked and skipped, and a
session published later that names a swept derivative is refused until it is sent again
(:func:`proofroom.gallery.blobs.blobs_missing`).

The worker runs it by itself: every put and every take-down books a run (one at a time,
in :class:`SweepBooking`), and a run books the next while something is still too young to
go. ``proofroom gallery sweep`` runs it by hand; ``--verify`` also re-hashes every file.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from proofroom.core.storage import is_temporary, stored_sha256
from proofroom.gallery.blobs import Blob
from proofroom.gallery.db import atomic, on_commit
from proofroom.gallery.events import OnlineImage

log = logging.getLogger(__name__)

BLOB_FOLDER = "gallery"
# A booking this late was lost with its worker: the next put books a new run.
_BOOKING_LOST_AFTER = dt.timedelta(hours=1)
_MARGIN = dt.timedelta(minutes=5)
_CHUNK = 200


class SweepBooking(models.Model):
    """When the next sweep is booked for: one row, so puts book one run, not one each."""

    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"sweep due {self.due_at}" if self.due_at else "no sweep booked"


@dataclass
class SweepReport:
    derivatives_deleted: int = 0
    files_deleted: int = 0
    damaged_files_deleted: int = 0
    next_due: dt.datetime | None = None


def sweep_grace() -> dt.timedelta:
    return dt.timedelta(hours=settings.SWEEP_GRACE_HOURS)


def blobs_sweep(*, grace: dt.timedelta | None = None, verify: bool = False) -> SweepReport:
    """Delete unused derivatives and stray files older than ``grace``; with ``verify``
    also delete every stored file that does not hash to its name (its row stays, so the
    next sync is told it is missing and sends it again)."""
    grace = sweep_grace() if grace is None else grace
    now = timezone.now()
    cutoff = now - grace
    report = SweepReport()
    report.derivatives_deleted = _unused_delete(cutoff)
    younger: list[dt.datetime] = list(
        Blob.objects.filter(~Exists(_uses()))
        .order_by("touched_at")
        .values_list("touched_at", flat=True)[:1]
    )
    for folder in _studio_folders():
        deleted, damaged, young = _folder_sweep(folder, cutoff=cutoff, verify=verify)
        report.files_deleted += deleted
        report.damaged_files_deleted += damaged
        younger += young
    if younger:
        report.next_due = max(min(younger) + grace + _MARGIN, now + _MARGIN)
    log.info(
        "sweep: %s unused derivatives, %s stray files, %s damaged files deleted",
        report.derivatives_deleted,
        report.files_deleted,
        report.damaged_files_deleted,
    )
    return report


def _uses() -> models.QuerySet[models.Model]:
    return OnlineImage.objects.filter(session__studio_id=OuterRef("studio_id")).filter(
        Q(preview=OuterRef("sha256")) | Q(thumbnail=OuterRef("sha256"))
    )


def _unused_delete(cutoff: dt.datetime) -> int:
    deleted = 0
    while True:
        with atomic():
            doomed = list(
                Blob.objects.select_for_update(skip_locked=True)
                .filter(touched_at__lt=cutoff)
                .filter(~Exists(_uses()))
                .order_by("pk")
                .values_list("pk", "key")[:_CHUNK]
            )
            if not doomed:
                return deleted
            # Files first: a crash before the commit leaves rows without files, which a
            # sync is told are missing, never files without rows that nothing would remove.
            for _, key in doomed:
                default_storage.delete(key)
            Blob.objects.filter(pk__in=[pk for pk, _ in doomed]).delete()
            deleted += len(doomed)


def _studio_folders() -> list[str]:
    try:
        folders, _ = default_storage.listdir(BLOB_FOLDER)
    except FileNotFoundError:
        return []
    return [posixpath.join(BLOB_FOLDER, name) for name in folders]


def _walk(folder: str) -> list[str]:
    folders, files = default_storage.listdir(folder)
    found = [posixpath.join(folder, name) for name in files]
    for name in folders:
        found += _walk(posixpath.join(folder, name))
    return found


def _folder_sweep(
    folder: str, *, cutoff: dt.datetime, verify: bool
) -> tuple[int, int, list[dt.datetime]]:
    """Delete the files of one studio's folder that no row names (or, with ``verify``,
    that do not hash to their name), once older than ``cutoff``; return how many, and the
    times of the strays still too young to go."""
    files = _walk(folder)
    # Read after listing: a file stored after the listing is young, and one whose row
    # committed meanwhile is found here.
    named = dict(Blob.objects.filter(key__startswith=folder + "/").values_list("key", "sha256"))
    deleted = damaged = 0
    young: list[dt.datetime] = []
    for key in files:
        sha256 = named.get(key)
        if sha256 is not None and not is_temporary(key):
            if verify and stored_sha256(key) not in (sha256, None):
                default_storage.delete(key)
                damaged += 1
            continue
        try:
            modified = default_storage.get_modified_time(key)
        except FileNotFoundError:
            continue
        if modified >= cutoff:
            young.append(modified)
            continue
        default_storage.delete(key)
        deleted += 1
    return deleted, damaged, young


def sweep_book(*, at: dt.datetime | None = None) -> None:
    """Book a background sweep for when what is stored now may go, unless one is booked.

    Called in the transaction that stored or dropped something; the task is enqueued once
    it commits.
    """
    now = timezone.now()
    at = at or now + sweep_grace() + _MARGIN
    SweepBooking.objects.bulk_create([SweepBooking(pk=1)], ignore_conflicts=True)
    booked = (
        SweepBooking.objects.filter(pk=1)
        .filter(Q(due_at=None) | Q(due_at__lt=now - _BOOKING_LOST_AFTER))
        .update(due_at=at)
    )
    if booked:
        on_commit(lambda: _enqueue(at))


def _enqueue(at: dt.datetime) -> None:
    if not sweep_task.get_backend().supports_defer:
        return  # tasks run inline (debugging): only `proofroom gallery sweep` sweeps
    try:
        sweep_task.using(run_after=at).enqueue()
    except Exception:
        # The booking stays; once it is overdue the next put books again.
        log.exception("could not book the sweep; `proofroom gallery sweep` runs it by hand")


def sweep_run_booked() -> SweepReport:
    """The booked sweep: free the booking, sweep, book the next if something must wait."""
    SweepBooking.objects.filter(pk=1).update(due_at=None)
    report = blobs_sweep()
    if report.next_due is not None:
        with atomic():
            sweep_book(at=report.next_due)
    return report


@task(queue_name="default")
def sweep_task() -> dict[str, int]:
    """The booked sweep, run in the background: delete the derivatives no session uses and
    stray files, past their grace period."""
    report = sweep_run_booked()
    return {
        "derivatives_deleted": report.derivatives_deleted,
        "files_deleted": report.files_deleted,
    }
