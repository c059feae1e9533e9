"""The hourly beat of "session expiring" tasks survives losing its queued job.

The beat is a chain of queued jobs, each booking the next. When the queued one is lost
(a worker restarted on the immediate backend, a database restored from before it was
booked, a worker killed mid-beat), starting the desk's worker or any sync tick books it
again, once: a beat still queued is never booked twice.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from proofroom.cli import main as proofroom
from proofroom.core.beats import beats_ensure
from proofroom.studio.dates import studio_today
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio
from proofroom.studio.synchronizer.schedule import auto_sync_configure
from proofroom.studio.todos.jobs import todos_beat_ensure
from proofroom.studio.todos.models import Todo, TodoEvent, TodoRule
from proofroom.studio.todos.rules import todo_rule_update

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def run_worker_once() -> None:
    """What `proofroom worker` does, until the queue has nothing ready."""
    call_command("db_worker", batch=True, interval=0, queue_name="*", verbosity=0)


def beats() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path__endswith="todos_expiring_tick", status="READY")
    )


def lose_the_queued_beat() -> None:
    DBTaskResult.objects.filter(task_path__endswith="todos_expiring_tick").delete()


@pytest.fixture
def expiring(studio: Studio) -> TodoRule:
    """The rule switched on (its first beat booked once the save commits)."""
    return todo_rule_update(event=TodoEvent.SESSION_EXPIRING, enabled=True, title="Call")


def test_a_beat_still_queued_is_not_booked_twice(expiring: TodoRule) -> None:
    (first,) = beats()
    assert first.args_kwargs["args"] == [expiring.generation]
    assert todos_beat_ensure() is False
    run_worker_once()  # the beat runs and books the next, an hour later
    (following,) = beats()
    assert following.run_after is not None
    assert following.run_after > timezone.now() + dt.timedelta(minutes=50)
    assert todos_beat_ensure() is False
    assert TodoRule.objects.get(pk=expiring.pk).beat_id == str(following.id)
    assert len(beats()) == 1


def test_a_lost_beat_is_booked_again_when_the_worker_starts(
    expiring: TodoRule, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    OnlineSettings.objects.create(
        session=session, expire_date=studio_today() + dt.timedelta(days=2), state=OnlineState.ONLINE
    )
    lose_the_queued_beat()
    monkeypatch.setattr("proofroom.cli.server.hold_data_folder", lambda: None)
    # The worker's first step, without forking its processes: every registered beat.
    monkeypatch.setattr("proofroom.core.worker.run_workers", lambda **kwargs: beats_ensure())

    proofroom(["worker", "--processes", "1"])

    (booked,) = beats()
    assert booked.args_kwargs["args"] == [expiring.generation]
    run_worker_once()
    assert Todo.objects.get(session=session).title.startswith("Call: session #")
    proofroom(["worker", "--processes", "1"])  # started again: the next beat is queued
    assert len(beats()) == 1


def test_a_lost_beat_is_booked_again_by_a_sync_tick(expiring: TodoRule) -> None:
    lose_the_queued_beat()
    auto_sync_configure(minutes=15, kinds=[])  # a schedule that only beats
    run_worker_once()  # the sync tick books the Tasks' beat, which runs and books its next
    (booked,) = beats()
    assert booked.args_kwargs["args"] == [expiring.generation]
    assert booked.run_after is not None and booked.run_after > timezone.now()


def test_a_beat_whose_worker_died_is_booked_again(expiring: TodoRule) -> None:
    (first,) = beats()
    long_ago = timezone.now() - dt.timedelta(hours=2)
    DBTaskResult.objects.filter(pk=first.pk).update(status="RUNNING", started_at=long_ago)
    assert todos_beat_ensure() is True
    (booked,) = beats()
    assert booked.pk != first.pk


def test_only_the_newest_rule_is_booked_again(expiring: TodoRule) -> None:
    todo_rule_update(event=TodoEvent.SESSION_EXPIRING, enabled=False, title="Call")
    lose_the_queued_beat()
    assert todos_beat_ensure() is False  # switched off: nothing to book
    rule = todo_rule_update(event=TodoEvent.SESSION_EXPIRING, enabled=True, title="Call")
    lose_the_queued_beat()
    assert todos_beat_ensure() is True
    (booked,) = beats()
    assert booked.args_kwargs["args"] == [rule.generation] != [expiring.generation]
