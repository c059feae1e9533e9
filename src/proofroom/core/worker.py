"""The embedded background worker: a thread that runs queued tasks in the web process.

At scale the same queue is drained by ``proofroom worker`` processes instead.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


class EmbeddedWorker:
    """Runs django-tasks-db's worker loop in a daemon thread; ``stop()`` ends it cleanly."""

    def __init__(self, *, interval: float = 1.0) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"embedded-{threading.get_native_id()}",
            excluded_queue_names=[],
        )
        self.thread = threading.Thread(target=self._run, name="proofroom-worker", daemon=True)

    def _run(self) -> None:
        try:
            self.worker.run()
        except Exception:
            logger.exception("The embedded worker stopped on an error")

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.worker.running = False
        self.thread.join(timeout)
