"""The reminders' hourly run survives losing its queued job: ``reminders_beat_ensure``
(called when the desk's worker starts) books it again, once; a run still queued is never
booked twice, and with no reminders there is nothing to book."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from proofroom.studio.letters.models import ExpiryReminder, ReminderSchedule
from proofroom.studio.letters.reminders import reminders_beat_ensure, reminders_booked_at
from proofroom.studio.studios import Studio

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def runs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path__endswith="reminders_tick", status="READY"))


def lose_the_queued_run() -> None:
    DBTaskResult.objects.filter(task_path__endswith="reminders_tick").delete()


def test_the_run_is_booked_once_and_not_again_while_it_is_queued(
    reminders: list[ExpiryReminder],
) -> None:
    assert reminders_beat_ensure() is True
    (booked,) = runs()
    assert booked.run_after is not None
    assert booked.run_after > timezone.now()
    assert booked.run_after == reminders_booked_at()
    assert ReminderSchedule.objects.get(pk=1).beat_id == str(booked.id)

    assert reminders_beat_ensure() is False  # the worker started again: still queued
    assert reminders_beat_ensure() is False
    assert [run.pk for run in runs()] == [booked.pk]


def test_a_lost_run_is_booked_again(reminders: list[ExpiryReminder]) -> None:
    assert reminders_beat_ensure() is True
    lose_the_queued_run()  # a database restored from before the booking, say
    assert reminders_booked_at() is not None  # the desk still believes it booked
    assert reminders_beat_ensure() is True
    (booked,) = runs()
    assert ReminderSchedule.objects.get(pk=1).beat_id == str(booked.id)
    assert reminders_beat_ensure() is False


def test_a_run_whose_worker_died_is_booked_again(reminders: list[ExpiryReminder]) -> None:
    assert reminders_beat_ensure() is True
    (first,) = runs()
    DBTaskResult.objects.filter(pk=first.pk).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert reminders_beat_ensure() is True
    (booked,) = runs()
    assert booked.pk != first.pk


def test_a_run_running_now_is_left_alone(reminders: list[ExpiryReminder]) -> None:
    assert reminders_beat_ensure() is True
    (first,) = runs()
    DBTaskResult.objects.filter(pk=first.pk).update(status="RUNNING", started_at=timezone.now())
    assert reminders_beat_ensure() is False
    assert not runs()


def test_without_reminders_nothing_is_booked(studio: Studio) -> None:
    assert reminders_beat_ensure() is False
    assert not runs()
