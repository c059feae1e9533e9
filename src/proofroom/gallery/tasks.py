"""Background tasks of the gallery: thin shims over services."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def mail_retry() -> dict[str, int]:
    """Send the mail that is due again; book the next retry while some still waits (failed
    again, or not yet due: a sender's lease that has not run out)."""
    from proofroom.gallery.mail import mail_deliver, mail_next_due, mail_retry_schedule

    report = mail_deliver()
    if report.failed or (not report.sent and mail_next_due() is not None):
        mail_retry_schedule()
    return {"sent": report.sent, "failed": report.failed, "gave_up": report.gave_up}


@task(queue_name="default")
def blobs_sweep() -> dict[str, int]:
    """Delete the derivatives no session uses and stray files, past their grace period."""
    from proofroom.gallery.sweep import sweep_run_booked

    report = sweep_run_booked()
    return {
        "derivatives_deleted": report.derivatives_deleted,
        "files_deleted": report.files_deleted,
    }
