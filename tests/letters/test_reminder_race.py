"""Issue 14: two reminder runs at once (two workers took the hourly job) send each
reminder once: the second waits on the schedule row and finds the first one's mail."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import pytest
from django.db import connection
from freezegun import freeze_time

from proofroom.studio.letters.reminders import reminders_send
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.studios import studio_update
from tests.conftest import needs_postgresql

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True, databases="__all__")]

START = dt.date(2027, 3, 1)


def test_two_runs_at_once_send_each_reminder_once(studio, reminders, put_online) -> None:  # type: ignore[no-untyped-def]
    studio_update(studio=studio, time_zone="America/Chicago")
    for n in range(20):
        put_online(START + dt.timedelta(days=7), first=f"Kim{n}")
    morning = dt.datetime(2027, 3, 1, 10, tzinfo=zoneinfo.ZoneInfo("America/Chicago"))
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            counts.append(reminders_send())
        finally:
            connection.close()

    with freeze_time(morning):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(counts) == [0, 20]
    assert DeskMail.objects.count() == 20
