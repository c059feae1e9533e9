"""The desk's periodic beats (see proofroom.core.beats): the automatic sync's tick."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from proofroom.core.beats import beat, task_booked


@beat
def auto_sync_ensure() -> None:
    """When the automatic sync is on and no tick of its schedule is booked (the queue lost
    it), start the schedule again: due one interval after the last scheduled sync, or now.

    The schedule restarts under a new generation, taken only if nobody changed it since it
    was read, so two workers starting at once book one tick, and a lost tick that turns up
    again stops by itself."""
    from proofroom.studio.studios import Studio, studio_get
    from proofroom.studio.syncs import last_scheduled_sync
    from proofroom.studio.tasks import sync_tick

    studio = studio_get()
    if studio is None or not studio.auto_sync_minutes:
        return
    generation = studio.auto_sync_generation
    if task_booked(sync_tick, args=[generation]):
        return
    taken = Studio.objects.filter(
        pk=studio.pk, auto_sync_generation=generation, auto_sync_minutes__gt=0
    ).update(auto_sync_generation=F("auto_sync_generation") + 1)
    if not taken:
        return  # the schedule changed meanwhile; whoever changed it booked its tick
    last = last_scheduled_sync()
    due = None if last is None else last.created_at + dt.timedelta(minutes=studio.auto_sync_minutes)
    if due is not None and due > timezone.now():
        sync_tick.using(run_after=due).enqueue(generation + 1)
    else:
        sync_tick.enqueue(generation + 1)
