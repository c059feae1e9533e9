"""The gallery's periodic beats (see proofroom.core.beats): the sweep and mail retries."""

from __future__ import annotations

from django.utils import timezone

from proofroom.core.beats import beat, task_booked


@beat
def sweep_ensure() -> None:
    """A sweep is booked (its booking row holds a due time) but no sweep task waits: book
    it again, for its due time or now."""
    from proofroom.gallery.sweep import SweepBooking, sweep_task

    due = SweepBooking.objects.filter(pk=1).values_list("due_at", flat=True).first()
    if due is None or task_booked(sweep_task):
        return
    sweep_task.using(run_after=max(due, timezone.now())).enqueue()


@beat
def mail_retry_ensure() -> None:
    """Mail waits to be sent again but no retry is booked: book one for when it is due."""
    from proofroom.gallery.mail import mail_next_due, mail_retry, mail_retry_schedule

    if mail_next_due() is None or task_booked(mail_retry):
        return
    mail_retry_schedule()
