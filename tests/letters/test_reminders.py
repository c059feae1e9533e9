"""Issue 14: expiry reminders at 7 and 1 days go once each, at a civil hour of the
studio's day; an extension re-arms them; a taken-down or expired session gets none.
Time is frozen; the mail goes to a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from freezegun import freeze_time

from proofroom.studio.letters.models import ReminderSchedule
from proofroom.studio.letters.reminders import reminders_run_booked, reminders_send
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.online import OnlineSettings, OnlineState, session_extend
from proofroom.studio.studios import Studio, studio_update

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
START = dt.date(2027, 3, 1)


def at(day: dt.date, hour: int) -> dt.datetime:
    """A moment on the studio's clocks (Chicago)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHICAGO)


@pytest.fixture
def chicago(studio: Studio) -> Studio:
    return studio_update(studio=studio, time_zone="America/Chicago")


def days_before_sent(online: OnlineSettings) -> list[int]:
    """Which reminders this session got, as days before its (current) expire date."""
    return sorted(
        (online.expire_date - mail.created_at.astimezone(CHICAGO).date()).days
        for mail in DeskMail.objects.filter(
            session=online.session, key__contains=str(online.expire_date)
        )
    )


def test_reminders_go_once_each_at_7_and_1_days_then_again_after_an_extension(  # type: ignore[no-untyped-def]
    chicago, reminders, put_online, desk_smtp, deliver
) -> None:
    online = put_online(START + dt.timedelta(days=10))
    for offset in range(0, 12):
        day = START + dt.timedelta(days=offset)
        for hour in (6, 10, 16, 22):  # twice in civil hours, twice outside them
            with freeze_time(at(day, hour)):
                reminders_send()
                deliver()
    assert days_before_sent(online) == [1, 7]
    subjects = {message["Subject"] for _, message in desk_smtp.messages}
    assert subjects == {"Your photographs leave the gallery on March 11, 2027"}
    bodies = [m.get_body(("plain",)).get_content() for _, m in desk_smtp.messages]
    assert ["(days left: 7)" in b for b in bodies] == [True, False]
    assert ["(days left: 1)" in b for b in bodies] == [False, True]
    sent_hours = {m.created_at.astimezone(CHICAGO).hour for m in DeskMail.objects.all()}
    assert sent_hours == {10}

    with freeze_time(at(START + dt.timedelta(days=9), 12)):
        online = session_extend(session=online.session, expire_date=START + dt.timedelta(days=20))
    for offset in range(9, 22):
        with freeze_time(at(START + dt.timedelta(days=offset), 11)):
            reminders_send()
            deliver()
    assert days_before_sent(online) == [1, 7]
    assert len(desk_smtp.messages) == 4


def test_a_taken_down_or_expired_session_gets_no_reminder(  # type: ignore[no-untyped-def]
    chicago, reminders, put_online, deliver
) -> None:
    taken_down = put_online(START + dt.timedelta(days=1), first="Tom")
    OnlineSettings.objects.filter(pk=taken_down.pk).update(state=OnlineState.REMOVED)
    expired = put_online(START - dt.timedelta(days=1), first="Eve")
    waiting = put_online(START + dt.timedelta(days=1), first="Wes")
    OnlineSettings.objects.filter(pk=waiting.pk).update(state=OnlineState.PENDING)
    with freeze_time(at(START, 10)):
        assert reminders_send() == 0
    assert not DeskMail.objects.exists()
    assert expired.state == OnlineState.ONLINE  # online on the desk, but past its date


def test_a_session_put_online_late_gets_the_most_pressing_reminder_only(  # type: ignore[no-untyped-def]
    chicago, reminders, put_online
) -> None:
    online = put_online(START + dt.timedelta(days=3))
    with freeze_time(at(START, 10)):
        assert reminders_send() == 1
    with freeze_time(at(START + dt.timedelta(days=2), 10)):
        assert reminders_send() == 1
    assert days_before_sent(online) == [1, 3]  # the 7-day letter came 3 days before


def test_the_booked_run_books_the_next_hour(chicago, reminders, put_online) -> None:  # type: ignore[no-untyped-def]
    put_online(START + dt.timedelta(days=7))
    with freeze_time(at(START, 10)):
        assert reminders_run_booked() == 1
        booked = ReminderSchedule.objects.get(pk=1).due_at
    assert booked == at(START, 11)
