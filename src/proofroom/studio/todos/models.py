"""A task, and for each event whether (and how) it makes one automatically."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q


class TodoEvent(models.TextChoices):
    """What can make a task by itself (Settings → Tasks)."""

    WEB_ORDER = "web_order", "Web order downloaded"
    PREPAID = "prepaid", "Prepaid selections downloaded"
    YEARBOOK = "yearbook", "Yearbook pick downloaded"
    FAVOURITES = "favourites", "Favourites downloaded"
    GUEST = "guest", "Guest downloaded"
    SESSION_EXPIRING = "session_expiring", "Session expiring"
    CONTRACT_SIGNED = "contract_signed", "Contract signed"
    ALBUM_COMMENTS = "album_comments", "Album comments submitted"
    ALBUM_APPROVED = "album_approved", "Album approved"


class TodoState(models.TextChoices):
    OPEN = "open", "Open"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"


class Todo(models.Model):
    """One task of the team: for a staff member or a security group (a department).

    A task an event made carries the event and its source (the web order's uuid, the
    session and its expire date...), unique together, so an event makes one task however
    often it is downloaded or however many syncs race.
    """

    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    client = models.ForeignKey(
        "studio.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="todos"
    )
    session = models.ForeignKey(
        "studio.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="todos"
    )
    invoice = models.ForeignKey(
        "studio.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="todos"
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="todos",
        verbose_name="staff member",
    )
    assigned_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="todos",
        verbose_name="department",
    )
    due_date = models.DateField(null=True, blank=True, help_text="In the studio's time zone.")
    event = models.CharField(max_length=20, choices=TodoEvent.choices, blank=True)
    source_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "task"
        ordering = [models.F("due_date").asc(nulls_last=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "source_key"],
                condition=~Q(event=""),
                name="todo_once_per_event",
                violation_error_message="This event has made its task already.",
            ),
            models.CheckConstraint(
                condition=Q(assigned_user__isnull=True) | Q(assigned_group__isnull=True),
                name="todo_one_assignee",
                violation_error_message="Assign the task to a staff member or a department, "
                "not both.",
            ),
        ]
        indexes = [models.Index(fields=["completed_at", "due_date"], name="todo_open_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    @property
    def assignee(self) -> object | None:
        return self.assigned_user or self.assigned_group


class TodoRule(models.Model):
    """Settings → Tasks: whether an event makes a task, its title, assignee and due date."""

    event = models.CharField(max_length=20, choices=TodoEvent.choices, unique=True)
    enabled = models.BooleanField("create a task", default=False)
    title = models.CharField(max_length=120, blank=True)
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="staff member",
    )
    assigned_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="department",
    )
    due_in_days = models.PositiveSmallIntegerField(
        "due in (days)", default=1, help_text="0: due the day it is made."
    )
    days_before = models.PositiveSmallIntegerField(
        "days before the expire date",
        default=7,
        help_text="Session expiring only: when, before the expire date, the task is made.",
    )
    # Bumped when the rule is saved, so only the newest chain of the periodic job runs.
    generation = models.PositiveIntegerField(default=0, editable=False)
    # The task backend's id of the newest beat booked for this generation ("" none yet), so
    # that a beat lost from the queue can be seen lost and booked again (see ``jobs``).
    beat_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["event"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assigned_user__isnull=True) | Q(assigned_group__isnull=True),
                name="todo_rule_one_assignee",
                violation_error_message="Assign to a staff member or a department, not both.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {'on' if self.enabled else 'off'}"
