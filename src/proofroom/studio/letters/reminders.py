"""Expiry reminders: letters sent some days before an online session's expire date.

A periodic job (``reminders_tick`` below, booked hourly) sends what is due, only at a
civil hour of the studio's day. For each online session it sends the most pressing
reminder whose day has come (with reminders at 7 and 1 days: the 7-day letter from 7 days
before, the 1-day letter from the day before), once: the outbox's unique key names the
reminder, the session and its expire date, so extending a session re-arms its reminders,
and nothing is sent twice for one date. A session taken down or already expired gets
none.

The run is built for thousands of sessions: a fixed number of queries reads the sessions,
their clients and what was sent already, and the letters go into the outbox in bulk.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from proofroom.studio.dates import studio_now
from proofroom.studio.letters.fields import LetterFor
from proofroom.studio.letters.models import ExpiryReminder, ReminderSchedule
from proofroom.studio.letters.render import render
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.mail.outbox import desk_mail_new, desk_mail_send_on_commit
from proofroom.studio.mail.server import reply_address
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.studios import studio_get

log = logging.getLogger(__name__)

# Reminders go out between 9:00 and 19:59 on the studio's clocks.
CIVIL_HOURS = range(9, 20)
EVERY = dt.timedelta(hours=1)
# A booking this far past its time was lost (a worker killed, a queue flushed).
LOST_AFTER = dt.timedelta(hours=3)


def reminder_key(*, reminder: ExpiryReminder, online: OnlineSettings) -> str:
    return f"reminder:{reminder.pk}:session:{online.session_id}:expires:{online.expire_date}"


def reminders_send() -> int:
    """Queue every reminder that is due now; returns how many. Two runs at once take turns
    on the schedule row, so the second finds the first one's keys."""
    with transaction.atomic():
        ReminderSchedule.objects.bulk_create([ReminderSchedule(pk=1)], ignore_conflicts=True)
        ReminderSchedule.objects.select_for_update().filter(pk=1).update(last_run_at=timezone.now())
        studio = studio_get()
        if studio is None:
            return 0
        now = studio_now(studio)
        if now.hour not in CIVIL_HOURS:
            return 0
        reminders = sorted(
            ExpiryReminder.objects.select_related("letter"), key=lambda r: r.days_before
        )
        if not reminders:
            return 0
        today = now.date()
        horizon = today + dt.timedelta(days=reminders[-1].days_before)
        live = OnlineSettings.objects.filter(
            state=OnlineState.ONLINE, expire_date__gte=today, expire_date__lte=horizon
        )
        sessions = list(
            live.select_related("session", "session__client").order_by("expire_date", "pk")
        )
        sent = set(
            DeskMail.objects.filter(
                key__startswith="reminder:",
                session__online__in=live,
            ).values_list("key", flat=True)
        )
        reply_to = reply_address()
        mails = []
        for online in sessions:
            days_left = (online.expire_date - today).days
            reminder = next((r for r in reminders if r.days_before >= days_left), None)
            if reminder is None:
                continue
            key = reminder_key(reminder=reminder, online=online)
            client = online.session.client
            if key in sent or not client.email:
                continue
            about = LetterFor(
                studio=studio,
                client=client,
                today=today,
                session=online.session,
                online=online,
            )
            letter = reminder.letter
            rendered = render(subject=letter.subject, body=letter.body, values=about.values())
            mails.append(
                desk_mail_new(
                    client=client,
                    session=online.session,
                    subject=rendered.subject,
                    text=rendered.text,
                    html=rendered.html,
                    letter_name=letter.name,
                    key=key,
                    reply_to=reply_to,
                )
            )
        DeskMail.objects.bulk_create(mails, ignore_conflicts=True)
        if mails:
            desk_mail_send_on_commit()
        return len(mails)


def reminders_book(*, at: dt.datetime | None = None) -> bool:
    """Book the reminder job (at the top of the next hour), unless it is booked already.
    Call it in a transaction; the task is enqueued once that commits."""
    now = timezone.now()
    at = at or (now + EVERY).replace(minute=0, second=0, microsecond=0)
    ReminderSchedule.objects.bulk_create([ReminderSchedule(pk=1)], ignore_conflicts=True)
    from django.db.models import Q

    booked = (
        ReminderSchedule.objects.filter(pk=1)
        .filter(Q(due_at=None) | Q(due_at__lt=now - LOST_AFTER))
        .update(due_at=at)
    )
    if booked:
        transaction.on_commit(lambda: _enqueue(at))
    return bool(booked)


def _enqueue(at: dt.datetime) -> None:
    try:
        if reminders_tick.get_backend().supports_defer:
            booked = reminders_tick.using(run_after=at).enqueue()
            ReminderSchedule.objects.filter(pk=1, due_at=at).update(beat_id=str(booked.id)[:64])
    except Exception:
        log.exception("could not book the reminders; the next reminder saved books them again")


def _queued(beat_id: str) -> bool:
    """Whether that run is still waiting in the queue (or running now, not for long: a run
    running for long died before it could book the next)."""
    if not beat_id:
        return False
    try:
        beat = reminders_tick.get_backend().get_result(beat_id)
    except TaskResultDoesNotExist:
        return False
    if beat.status == TaskResultStatus.READY:
        return True
    started = beat.started_at
    return beat.status == TaskResultStatus.RUNNING and (
        started is not None and started > timezone.now() - dt.timedelta(minutes=10)
    )


def reminders_beat_ensure() -> bool:
    """Book the reminders' run unless one is queued already (and there are reminders to
    send); True when it booked one. Idempotent and cheap: for the desk's worker to call when
    it starts, so a run lost with the queue (a worker restarted on the immediate backend, a
    database restored from before it was booked) does not wait hours to be re-made."""
    backend = reminders_tick.get_backend()
    if not backend.supports_defer:
        return False  # tasks run inline: there is no queue to lose a run from
    try:
        with transaction.atomic():
            if not ExpiryReminder.objects.exists():
                return False
            ReminderSchedule.objects.bulk_create([ReminderSchedule(pk=1)], ignore_conflicts=True)
            schedule = ReminderSchedule.objects.select_for_update().get(pk=1)
            if backend.supports_get_result:
                if _queued(schedule.beat_id):
                    return False
            elif schedule.due_at is not None and schedule.due_at > timezone.now() - LOST_AFTER:
                return False  # no way to ask the queue: trust a booking not long overdue
            log.info("the reminders' run was not queued: booked again")
            ReminderSchedule.objects.filter(pk=1).update(due_at=None, beat_id="")
            return reminders_book()
    except DatabaseError:
        log.exception("could not check the reminders' run")
        return False


def reminders_run_booked() -> int:
    """The booked run: free the booking, send what is due, book the next hour."""
    ReminderSchedule.objects.filter(pk=1).update(due_at=None)
    count = reminders_send()
    if ExpiryReminder.objects.exists():
        with transaction.atomic():
            reminders_book()
    return count


def reminders_booked_at() -> dt.datetime | None:
    return ReminderSchedule.objects.filter(pk=1).values_list("due_at", flat=True).first()


@task(queue_name="default")
def reminders_tick() -> int:
    """The periodic job: send the expiry reminders that are due, book the next hour."""
    return reminders_run_booked()
