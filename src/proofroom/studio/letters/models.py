"""Form letters, the session status triggers that send them, and expiry reminders."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from proofroom.studio.letters.render import unknown_fields


class FormLetter(models.Model):
    """A letter used over and over: a subject and a body with merge fields."""

    name = models.CharField(max_length=120, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for field in ("subject", "body"):
            unknown = unknown_fields(getattr(self, field))
            if unknown:
                names = ", ".join("{{ " + name + " }}" for name in unknown)
                errors[field] = (
                    f"Unknown merge field{'s' if len(unknown) > 1 else ''}: {names}. "
                    "Use one from the list beside the letter."
                )
        if errors:
            raise ValidationError(errors)


class LetterTrigger(models.Model):
    """When a session enters ``stage``, send ``letter`` to its client (once per session)."""

    stage = models.ForeignKey(
        "studio.WorkflowStage", on_delete=models.CASCADE, related_name="letter_triggers"
    )
    letter = models.ForeignKey(FormLetter, on_delete=models.PROTECT, related_name="triggers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "letter"],
                name="one_trigger_per_stage_and_letter",
                violation_error_message="This stage sends this letter already.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} → {self.letter}"


class ExpiryReminder(models.Model):
    """Send ``letter`` this many days before an online session's expire date."""

    days_before = models.PositiveIntegerField(
        "days before the expire date",
        unique=True,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        error_messages={"unique": "A reminder is sent that many days before already."},
    )
    letter = models.ForeignKey(FormLetter, on_delete=models.PROTECT, related_name="reminders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-days_before"]

    def __str__(self) -> str:
        return f"{self.letter} {self.days_before} days before expiry"


class ReminderSchedule(models.Model):
    """One row: when the reminder job is booked next. Locked by each run, so two runs
    never send at once; a booking overdue by long enough is taken as lost and re-made."""

    due_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    beat_id = models.CharField(
        max_length=64, blank=True, help_text="The task queue's id of the booked run."
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"reminders due {self.due_at}"
