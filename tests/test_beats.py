"""Periodic beats survive a lost queue: what `proofroom worker` books again at start when the
automatic sync's tick, the gallery's sweep or a mail retry was lost (issue 17).

The worker itself, on the database backend and on Redis, is in tests/test_task_queue.py."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from proofroom.core import beats, worker
from proofroom.core.beats import beats_ensure, registered_beats
from proofroom.gallery.mail import MailKind, OutgoingMail
from proofroom.gallery.sweep import SweepBooking
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.studio.studios import Studio, studio_get
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus
from proofroom.studio.synchronizer.schedule import auto_sync_configure

pytestmark = pytest.mark.django_db(databases="__all__")

TICK = "proofroom.studio.synchronizer.schedule.sync_tick"


def booked(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_path, status="READY"))


def generation() -> int:
    studio = studio_get()
    assert studio is not None
    return studio.auto_sync_generation


def test_each_side_registers_its_beats() -> None:
    assert {
        "proofroom.studio.synchronizer.schedule.auto_sync_ensure",
        "proofroom.studio.todos.jobs.todos_beat_ensure",
        "proofroom.studio.letters.reminders.reminders_beat_ensure",
        "proofroom.gallery.beats.sweep_ensure",
        "proofroom.gallery.beats.mail_retry_ensure",
    } <= set(registered_beats())


def test_a_lost_sync_tick_is_booked_again_once(
    studio: Studio, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        auto_sync_configure(minutes=15, kinds=["favourites"])
    assert [t.args_kwargs["args"] for t in booked(TICK)] == [[1]]

    beats_ensure()  # booked already: nothing more
    assert len(booked(TICK)) == 1 and generation() == 1

    DBTaskResult.objects.all().delete()  # the queue lost it
    beats_ensure()
    beats_ensure()
    (tick,) = booked(TICK)
    # A new generation: the lost tick, should it turn up again, stops by itself.
    assert generation() == 2 and tick.args_kwargs["args"] == [2]
    # No scheduled sync ran yet: due now.
    assert DBTaskResult.objects.ready().filter(pk=tick.pk).exists()


def test_the_lost_tick_comes_one_interval_after_the_last_scheduled_sync(
    studio: Studio, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        auto_sync_configure(minutes=15, kinds=["favourites"])
    run = SyncRun.objects.create(kinds=["favourites"], trigger="schedule")
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncStatus.SUCCEEDED, created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    # A worker died mid-tick an hour ago: its row still says RUNNING, and nothing is booked.
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1))

    beats_ensure()
    (tick,) = booked(TICK)
    assert tick.run_after is not None
    assert tick.run_after - timezone.now() == pytest.approx(
        dt.timedelta(minutes=10), abs=dt.timedelta(minutes=1)
    )


def test_no_tick_when_the_automatic_sync_is_off(studio: Studio) -> None:
    beats_ensure()
    assert booked(TICK) == [] and generation() == 0


def test_a_lost_sweep_is_booked_again_for_its_time(gallery_studio: GalleryStudio) -> None:
    due = timezone.now() + dt.timedelta(hours=3)
    SweepBooking.objects.create(pk=1, due_at=due)
    beats_ensure()
    beats_ensure()
    (sweep,) = booked("proofroom.gallery.sweep.sweep_task")
    assert sweep.run_after == due


def test_a_lost_mail_retry_is_booked_again_when_mail_waits(gallery_studio: GalleryStudio) -> None:
    beats_ensure()
    assert booked("proofroom.gallery.mail.mail_retry") == []  # nothing waits
    due = timezone.now() + dt.timedelta(minutes=2)
    OutgoingMail.objects.create(
        studio=gallery_studio,
        kind=MailKind.ORDER_CONFIRMATION,
        to=["ada@example.com"],
        subject="Your order",
        text="Thank you.",
        attempts=1,
        next_attempt_at=due,
    )
    beats_ensure()
    beats_ensure()
    (retry,) = booked("proofroom.gallery.mail.mail_retry")
    assert retry.run_after == due


def test_a_failing_beat_leaves_the_others_to_run(
    gallery_studio: GalleryStudio, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("lost the connection")

    monkeypatch.setitem(beats._registry, "aaa.broken", broken)
    SweepBooking.objects.create(pk=1, due_at=timezone.now())
    assert beats_ensure() == len(registered_beats()) - 1
    assert len(booked("proofroom.gallery.sweep.sweep_task")) == 1


def test_nothing_is_booked_when_tasks_run_inline(studio: Studio, settings) -> None:  # type: ignore[no-untyped-def]
    Studio.objects.update(auto_sync_minutes=15, auto_sync_kinds=["favourites"])
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    assert beats_ensure() == 0
    assert generation() == 0


def _nap() -> None:
    time.sleep(1.5)


def test_the_worker_checks_the_beats_again_while_its_children_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not only at start: a queue lost while the worker runs is noticed at the next check."""
    checks: list[float] = []
    monkeypatch.setattr(worker, "_ensure_beats", lambda: checks.append(time.monotonic()))
    child = multiprocessing.get_context("fork").Process(target=_nap)
    child.start()
    worker._wait_keeping_beats([child], every=0.1)
    assert not child.is_alive()
    assert len(checks) >= 2
