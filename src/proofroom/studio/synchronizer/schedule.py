"""The scheduled sync: every few minutes, a sync of the kinds chosen in Preferences.

Each beat is a background task that books the next one first, so a worker killed
mid-sync does not end the schedule; a new schedule replaces the old one by raising
the studio's generation, and the beats of an older generation stop by themselves.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from proofroom.core.beats import task_booked
from proofroom.studio.studios import studio_auto_sync_restart, studio_auto_sync_set, studio_get
from proofroom.studio.synchronizer.runner import sync_run_execute
from proofroom.studio.synchronizer.runs import (
    SyncBusy,
    SyncKind,
    SyncRun,
    SyncTrigger,
    last_scheduled_sync,
    sync_claim,
)
from proofroom.studio.todos.jobs import todos_beat_ensure

logger = logging.getLogger(__name__)

AUTO_SYNC_MIN_MINUTES = 5


def auto_sync_configure(*, minutes: int, kinds: list[str]) -> None:
    """Turn the scheduled sync on (every ``minutes``) or off (0). A new schedule replaces the
    old one: ticks of an older generation stop by themselves."""
    studio = studio_get()
    if studio is None:
        return
    if minutes and minutes < AUTO_SYNC_MIN_MINUTES:
        minutes = AUTO_SYNC_MIN_MINUTES
    generation = studio.auto_sync_generation + 1
    studio_auto_sync_set(
        studio=studio,
        minutes=minutes,
        kinds=[k for k in kinds if k in SyncKind.values],
        generation=generation,
    )
    if minutes:
        transaction.on_commit(lambda: sync_tick.enqueue(generation))


def auto_sync_tick(*, generation: int) -> SyncRun | None:
    """One beat of the schedule: book the next beat, then sync now unless another sync is
    live. The next beat is booked first, so a worker killed mid-sync does not end the
    schedule."""
    todos_beat_ensure()  # the Tasks' hourly beat, booked again if it was lost
    studio = studio_get()
    if studio is None or studio.auto_sync_generation != generation or not studio.auto_sync_minutes:
        return None
    later = timezone.now() + dt.timedelta(minutes=studio.auto_sync_minutes)
    sync_tick.using(run_after=later).enqueue(generation)
    if not studio.auto_sync_kinds:
        return None
    try:
        run = sync_claim(kinds=studio.auto_sync_kinds, trigger=SyncTrigger.SCHEDULE)
    except SyncBusy as busy:
        logger.info("scheduled sync skipped: %s", busy)
        return None
    return sync_run_execute(run_id=run.pk)


@task(queue_name="sync")
def sync_tick(generation: int) -> str:
    run = auto_sync_tick(generation=generation)
    return "stopped" if run is None else str(run.status)


def auto_sync_ensure() -> None:
    """When the automatic sync is on and no tick of its schedule is booked (the queue lost
    it), start the schedule again: due one interval after the last scheduled sync, or now.

    The schedule restarts under a new generation, taken only if nobody changed it since it
    was read, so two workers starting at once book one tick, and a lost tick that turns up
    again stops by itself."""
    studio = studio_get()
    if studio is None or not studio.auto_sync_minutes:
        return
    generation = studio.auto_sync_generation
    if task_booked(sync_tick, args=[generation]):
        return
    if not studio_auto_sync_restart(studio=studio, generation=generation):
        return  # the schedule changed meanwhile; whoever changed it booked its tick
    last = last_scheduled_sync()
    due = None if last is None else last.created_at + dt.timedelta(minutes=studio.auto_sync_minutes)
    if due is not None and due > timezone.now():
        sync_tick.using(run_after=due).enqueue(generation + 1)
    else:
        sync_tick.enqueue(generation + 1)
