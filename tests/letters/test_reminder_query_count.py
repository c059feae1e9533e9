"""Issue 14: sending 1,000 expiry reminders in one run takes a number of queries that does
not grow with the number of sessions."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from proofroom.studio.clients import Client
from proofroom.studio.letters.reminders import reminders_send
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.sessions import Session, SessionType
from proofroom.studio.studios import studio_update
from proofroom.studio.workflow import first_stage

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)
MORNING = dt.datetime(2027, 3, 1, 10, tzinfo=zoneinfo.ZoneInfo("America/Chicago"))


def online_sessions(count: int, first_number: int) -> None:
    """``count`` sessions of as many clients, online, seven days from expiry."""
    kind, _ = SessionType.objects.get_or_create(name="Family portrait")
    stage = first_stage()
    clients = Client.objects.bulk_create(
        Client(first_name=f"C{n}", last_name="Lee", email=f"c{first_number + n}@example.com")
        for n in range(count)
    )
    sessions = Session.objects.bulk_create(
        Session(
            number=first_number + n,
            client=client,
            session_type=kind,
            date=TODAY,
            stage=stage,
        )
        for n, client in enumerate(clients)
    )
    OnlineSettings.objects.bulk_create(
        OnlineSettings(
            session=session,
            expire_date=TODAY + dt.timedelta(days=7),
            state=OnlineState.ONLINE,
            uploaded_at=timezone.now(),
            gallery_url=f"https://gallery.example/s/{session.uuid}/",
        )
        for session in sessions
    )


def queries_to_send(count: int, first_number: int) -> tuple[int, int]:
    """(queries that are not INSERTs, INSERT statements) for a run that sends ``count``."""
    online_sessions(count, first_number)
    before = DeskMail.objects.count()
    with freeze_time(MORNING), CaptureQueriesContext(connection) as run:
        assert reminders_send() == count
    assert DeskMail.objects.count() == before + count
    inserts = [q for q in run.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    return len(run.captured_queries) - len(inserts), len(inserts)


def test_a_thousand_reminders_take_as_many_queries_as_ten(studio, reminders) -> None:  # type: ignore[no-untyped-def]
    studio_update(studio=studio, time_zone="America/Chicago")
    few = queries_to_send(10, 10_000)
    DeskMail.objects.all().delete()
    OnlineSettings.objects.update(state=OnlineState.REMOVED)
    many = queries_to_send(1000, 20_000)
    assert many[0] == few[0]
    if connection.vendor == "postgresql":
        assert many[1] == few[1] == 2  # the schedule row and the outbox rows, one each
    else:
        # SQLite takes at most 999 values per statement: the rows go in fixed-size chunks.
        assert few[1] == 2 and many[1] <= 2 + 1000 * 16 // 999 + 1
