"""Periodic beats: the background jobs that book their own next run.

The automatic sync's tick, the gallery's sweep and its mail retries each book the next
run from the one running now. Such a chain ends for good when its booked job is lost: Redis
restarted without persistence, a queued row deleted, a worker killed between two steps.
Each side therefore registers, with ``@beat``, a zero-argument *ensure* function per chain:
"if this chain should be running and nothing of it is booked, book it". ``proofroom
worker`` calls every registered one when it starts and again every
``PROOFROOM_BEATS_MINUTES`` (see :func:`proofroom.core.worker.run_workers`).

An ensure function must be idempotent and cheap (a few queries): several workers, on
several nodes, call it. Only the apps of the side this process runs are installed, so only
that side's beats are registered (each side's ``apps.py`` imports its beats module).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

Ensure = Callable[[], object]

_registry: dict[str, Ensure] = {}

# A database task row left RUNNING longer than this by a worker that died is not taken for
# a live run. A running beat books its successor within its first moments.
RUNNING_TRUSTED_FOR = dt.timedelta(minutes=15)


def beat(fn: Ensure) -> Ensure:
    """Register ``fn`` as an ensure-function of a periodic job (usable as a decorator).
    Registering the same function again (a module imported twice) keeps one entry."""
    _registry[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def registered_beats() -> list[str]:
    return sorted(_registry)


def beats_ensure() -> int:
    """Call every registered ensure-function; one that fails is logged, the rest still run.
    Nothing is booked when tasks run inline (``PROOFROOM_TASKS=immediate``). The number of
    functions that ran without error."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return 0
    done = 0
    for name, ensure in sorted(_registry.items()):
        try:
            ensure()
        except Exception:
            log.exception("beat %s: could not make sure it is booked", name)
        else:
            done += 1
    return done


def task_booked(task: Any, *, args: Sequence[Any] | None = None) -> bool:
    """Whether a run of ``task`` (with these positional ``args``, when given) waits in the
    queue, is booked for later or is running, on the configured backend."""
    from django.conf import settings

    if settings.TASK_BACKEND == "rq":
        return _rq_booked(task, args)
    return _db_booked(task, args)


def _same_args(found: Sequence[Any], wanted: Sequence[Any] | None) -> bool:
    return wanted is None or list(found) == list(wanted)


def _db_booked(task: Any, args: Sequence[Any] | None) -> bool:
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    live = DBTaskResult.objects.filter(task_path=task.module_path).filter(
        Q(status=TaskResultStatus.READY)
        | Q(
            status=TaskResultStatus.RUNNING,
            started_at__gte=timezone.now() - RUNNING_TRUSTED_FOR,
        )
    )
    return any(_same_args(a["args"], args) for a in live.values_list("args_kwargs", flat=True))


def _rq_booked(task: Any, args: Sequence[Any] | None) -> bool:
    import django_rq
    from django_tasks_rq import Job

    queue = django_rq.get_queue(task.queue_name, job_class=Job)
    ids = [
        *queue.get_job_ids(),
        *queue.scheduled_job_registry.get_job_ids(),
        *queue.started_job_registry.get_job_ids(),
    ]
    jobs = Job.fetch_many(ids, connection=queue.connection) if ids else []
    return any(
        job is not None and job.func_name == task.module_path and _same_args(job.args, args)
        for job in jobs
    )
