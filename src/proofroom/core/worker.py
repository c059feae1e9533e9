"""Background workers: one process per core, each running django-tasks-db's worker loop or,
with ``PROOFROOM_TASKS=rq``, an RQ worker taking jobs from Redis.

Under RQ one more process runs RQ's scheduler, which moves the jobs booked for later (the
automatic sync's next beat, a mail retry, the gallery's sweep) onto their queue when they
are due; the database backend's workers do that by polling. Several nodes may each run
``proofroom worker``: RQ's scheduler lock lets one of them schedule at a time.

``proofroom worker`` runs them in the foreground; ``proofroom serve`` and the demo
start them beside the web server and stop them with it. A worker started by a server
dies with it, even when the server is killed (SIGKILL gives it no chance to stop them):
otherwise a restarted server's workers would run beside the orphans.

Before starting them, and every ``PROOFROOM_BEATS_MINUTES`` while they run, the parent
process books again any periodic job the queue lost (``proofroom.core.beats``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

logger = logging.getLogger(__name__)


PARENT_POLL_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1


def _ask_kernel_for_parent_death_signal() -> None:
    """On Linux, the kernel sends us SIGTERM the moment our parent dies, however it died."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        logger.debug("prctl(PR_SET_PDEATHSIG) is not available; polling the parent only")


def die_with_parent(parent_pid: int) -> None:
    """Stop this process (SIGTERM to itself, a graceful stop) once ``parent_pid`` is gone.

    Linux's parent-death signal acts at once; the polling thread is the portable
    fallback, and also covers a parent that died before the signal was asked for.
    """
    _ask_kernel_for_parent_death_signal()

    def _watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=_watch, name="parent-watch", daemon=True).start()


def _worker_main(index: int, interval: float, parent_pid: int) -> None:
    from django.db import connections

    die_with_parent(parent_pid)
    from django_tasks_db.management.commands.db_worker import Worker

    connections.close_all()
    _configure_imaging()
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=True,
        max_tasks=None,
        worker_id=f"{os.uname().nodename}-{os.getpid()}",
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


def _configure_imaging() -> None:
    try:
        from proofroom.imaging import configure_worker

        configure_worker()
    except ImportError:
        pass


def _rq_queue_names() -> list[str]:
    """The queues an RQ worker takes jobs from (all of them, as the db worker's ``*``)."""
    from django.conf import settings

    return [str(name) for name in settings.TASKS["default"]["QUEUES"]]


def _rq_worker_main(index: int, interval: float, parent_pid: int) -> None:
    """One RQ worker: each job runs in a forked work horse, as ``rqworker`` does, so that a
    crash in one image's decoder (a segfault) fails that job, not the worker."""
    import django_rq
    from django.db import connections
    from django_tasks_rq import Job
    from rq import Worker

    die_with_parent(parent_pid)
    connections.close_all()
    _configure_imaging()
    queues = [django_rq.get_queue(name, job_class=Job) for name in _rq_queue_names()]
    worker = Worker(
        queues,
        name=f"{os.uname().nodename}-{os.getpid()}",
        connection=queues[0].connection,
        job_class=Job,
    )
    worker.work(logging_level="WARNING")


def _rq_scheduler_main(index: int, interval: float, parent_pid: int) -> None:
    """RQ's scheduler: moves due jobs from each queue's scheduled registry onto the queue,
    every ``interval`` seconds, while it holds the queue's lock (one node at a time)."""
    import django_rq
    from rq.scheduler import RQScheduler

    die_with_parent(parent_pid)
    names = _rq_queue_names()
    scheduler = RQScheduler(
        names,
        connection=django_rq.get_connection(names[0]),
        interval=max(1, round(interval)),
        logging_level=logging.WARNING,
    )
    try:
        scheduler.work()
    finally:
        scheduler.release_locks()


def run_workers(*, processes: int, interval: float = 1.0, parent_pid: int | None = None) -> None:
    """Run ``processes`` workers until SIGINT or SIGTERM, then stop them gracefully.

    With ``parent_pid`` (the server that started us), also stop when that process is gone.
    """
    from django.conf import settings
    from django.db import connections

    if parent_pid is not None:
        die_with_parent(parent_pid)
    _ensure_beats()  # closes the connections too, before the children are forked
    connections.close_all()
    context = multiprocessing.get_context("fork")
    rq = settings.TASK_BACKEND == "rq"
    main = _rq_worker_main if rq else _worker_main
    children = [
        context.Process(target=main, args=(i, interval, os.getpid()), name=f"proofroom-worker-{i}")
        for i in range(processes)
    ]
    if rq:
        children.append(
            context.Process(
                target=_rq_scheduler_main,
                args=(processes, interval, os.getpid()),
                name="proofroom-rq-scheduler",
            )
        )
    for child in children:
        child.start()

    def _stop(signum: int, frame: Any) -> None:
        for child in children:
            if child.pid and child.is_alive():
                os.kill(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    _wait_keeping_beats(children, every=settings.BEATS_MINUTES * 60.0)


def _ensure_beats() -> None:
    """Book again any periodic job the queue lost (proofroom.core.beats); never fatal."""
    from django.db import connections

    from proofroom.core.beats import beats_ensure

    try:
        beats_ensure()
    except Exception:
        logger.exception("could not check the periodic jobs")
    finally:
        connections.close_all()


def _wait_keeping_beats(children: list[Any], *, every: float) -> None:
    """Wait for the children to end; meanwhile, every ``every`` seconds, check the beats."""
    from multiprocessing.connection import wait

    next_check = time.monotonic() + every
    while alive := [child for child in children if child.is_alive()]:
        wait([child.sentinel for child in alive], timeout=max(0.0, next_check - time.monotonic()))
        if time.monotonic() >= next_check:
            _ensure_beats()
            next_check = time.monotonic() + every
    for child in children:
        child.join()


def spawn_worker_process(processes: int) -> subprocess.Popen[bytes]:
    """Start ``proofroom worker`` as a child of the web server, to die with it."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            *("-m", "proofroom.cli", "worker", "--processes", str(processes)),
            *("--parent-pid", str(os.getpid())),
        ],
        start_new_session=True,
    )


def stop_worker_process(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
