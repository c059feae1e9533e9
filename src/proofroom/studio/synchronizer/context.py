"""What every step of a run shares: the run, the gallery and the studio, the lease's
heartbeat, the log and the progress bar."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from proofroom.studio.studios import Studio
from proofroom.studio.synchronizer.runs import SyncRun, sync_lease, sync_lease_renew
from proofroom.studio.synchronizer.transport import Gallery, SyncFailed

logger = logging.getLogger(__name__)

Progress = Callable[[SyncRun], None]


class RunContext:
    def __init__(
        self, *, run: SyncRun, gallery: Gallery, studio: Studio, on_progress: Progress | None
    ) -> None:
        self.run, self.gallery, self.studio = run, gallery, studio
        self.on_progress = on_progress
        self.last_step = 0.0
        self.renewed = time.monotonic()
        gallery.before_request = self.heartbeat

    def heartbeat(self) -> None:
        """Renew the run's lease now and then; stop if it was given up meanwhile (this
        process stalled past it, and another sync may have started)."""
        now = time.monotonic()
        if now - self.renewed < sync_lease().total_seconds() / 10:
            return
        self.renewed = now
        if not sync_lease_renew(self.run):
            raise SyncFailed("This sync went silent past its lease and was given up.")

    def tell(self, line: str) -> None:
        self.run.note(line)
        logger.info("sync %s: %s", self.run.pk, line)

    def step(self, text: str, *, done: int | None = None, total: int | None = None) -> None:
        self.heartbeat()
        now = time.monotonic()
        if done is not None and total is None and now - self.last_step < 0.5:
            return  # a write per image would cost more than the upload itself
        self.last_step = now
        self.run.progress(step=text, done=done, total=total)
        if self.on_progress is not None:
            self.run.refresh_from_db()
            self.on_progress(self.run)
