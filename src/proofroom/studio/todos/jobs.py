"""The periodic job of automatic tasks: sessions about to expire, looked at every hour.

Saving the "session expiring" rule starts a new chain of beats (and stops the old one:
each beat carries the rule's generation); each beat books the next before it works, so a
worker killed mid-beat does not end the chain. Making a task twice is impossible anyway
(see ``events``), so a stray second chain costs only a query.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

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


def _book(generation: int, *, at: dt.datetime) -> None:
    if not todos_expiring_tick.get_backend().supports_defer:
        return  # tasks run inline (debugging): the beat that runs now is the only one
    todos_expiring_tick.using(run_after=at).enqueue(generation)


def expiring_watch_start(*, generation: int) -> None:
    """Start the beats once the rule's transaction commits."""
    transaction.on_commit(lambda: todos_expiring_tick.enqueue(generation))
