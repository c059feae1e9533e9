"""Background workers: one process per core, each running django-tasks-db's worker loop.

``proofroom worker`` runs them in the foreground; ``proofroom serve`` and the demo
start them beside the web server and stop them with it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
from typing import Any

logger = logging.getLogger(__name__)


def _worker_main(index: int, interval: float) -> None:
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    connections.close_all()
    try:
        from proofroom.imaging import configure_worker

        configure_worker()
    except ImportError:
        pass
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


def run_workers(*, processes: int, interval: float = 1.0) -> None:
    """Run ``processes`` workers until SIGINT or SIGTERM, then stop them gracefully."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=_worker_main, args=(i, interval), name=f"proofroom-worker-{i}")
        for i in range(processes)
    ]
    for child in children:
        child.start()

    def _stop(signum: int, frame: Any) -> None:
        for child in children:
            if child.pid and child.is_alive():
                os.kill(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for child in children:
        child.join()


def spawn_worker_process(processes: int) -> subprocess.Popen[bytes]:
    """Start ``proofroom worker`` as a child of the web server."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "proofroom.cli", "worker", "--processes", str(processes)],
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
