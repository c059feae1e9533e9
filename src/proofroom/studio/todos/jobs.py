"""The periodic job of automatic tasks: sessions about to expire, looked at every hour.

Saving the "session expiring" rule starts a new chain of beats (and stops the old one:
each beat carries the rule's generation); each beat books the next before it works, so a
worker killed mid-beat does not end the chain. The rule keeps the id of the newest beat
booked, and ``todos_beat_ensure`` (run when the desk's worker starts and by each sync
tick) books a beat again when that one is no longer queued: lost with a worker restarted
on the immediate backend, or with a database restored from before it was booked. Making a
task twice is impossible anyway (see ``events``), so a stray second chain costs only a
query.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from proofroom.studio.todos.models import TodoEvent, TodoRule

log = logging.getLogger(__name__)

BEAT = dt.timedelta(hours=1)


@task(queue_name="default")
def todos_expiring_tick(generation: int) -> str:
    from proofroom.studio.todos.events import todos_for_expiring_sessions

    rule = TodoRule.objects.filter(event=TodoEvent.SESSION_EXPIRING).first()
    if rule is None or not rule.enabled or rule.generation != generation:
        return "stopped"
    _book(generation, at=timezone.now() + BEAT)
    with transaction.atomic():
        todos_for_expiring_sessions()
    return "looked"


def _book(generation: int, *, at: dt.datetime | None) -> None:
    """Queue a beat of ``generation`` (at ``at``, or now) and keep its id on the rule,
    unless another beat was recorded meanwhile (the newest booked stays recorded)."""
    if at is not None and not todos_expiring_tick.get_backend().supports_defer:
        return  # tasks run inline (debugging): the beat that runs now is the only one
    rules = TodoRule.objects.filter(event=TodoEvent.SESSION_EXPIRING, generation=generation)
    before = rules.values_list("beat_id", flat=True).first()
    if before is None:
        return  # the rule was saved again: a newer chain runs
    beat = todos_expiring_tick.using(run_after=at) if at is not None else todos_expiring_tick
    booked = beat.enqueue(generation)
    rules.filter(beat_id=before).update(beat_id=str(booked.id)[:64])


def expiring_watch_start(*, generation: int) -> None:
    """Start the beats once the rule's transaction commits."""
    transaction.on_commit(lambda: _book(generation, at=None))


def _queued(beat_id: str) -> bool:
    """Whether that beat is still waiting in the queue (or running now: a beat books its
    successor first thing, so one running for long died before it could)."""
    if not beat_id:
        return False
    try:
        beat = todos_expiring_tick.get_backend().get_result(beat_id)
    except TaskResultDoesNotExist:
        return False
    if beat.status == TaskResultStatus.READY:
        return True
    started = beat.started_at
    return beat.status == TaskResultStatus.RUNNING and (
        started is not None and started > timezone.now() - dt.timedelta(minutes=10)
    )


def todos_beat_ensure() -> bool:
    """Book the expiring job's beat unless one is already queued for the rule's current
    generation; True when it booked one. Cheap (two queries when all is well) and safe to
    call often: when the desk's worker starts, and at each sync tick."""
    backend = todos_expiring_tick.get_backend()
    if not backend.supports_defer or not backend.supports_get_result:
        return False  # tasks run inline: there is no queue to lose a beat from
    try:
        with transaction.atomic():
            rule = (
                TodoRule.objects.select_for_update()
                .filter(event=TodoEvent.SESSION_EXPIRING, enabled=True)
                .first()
            )
            if rule is None or _queued(rule.beat_id):
                return False
            log.info("the session-expiring beat was not queued: booked again")
            _book(rule.generation, at=None)
            return True
    except DatabaseError:
        log.exception("could not check the session-expiring beat")
        return False
