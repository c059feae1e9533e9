"""The Digital Workflow: an ordered, configurable list of stages a session moves through."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, QuerySet


class StageRole(models.TextChoices):
    """What the desk does at a stage, beyond showing the sessions there."""

    NONE = "", "—"
    UPLOAD = "upload", "Ready to upload online"
    ONLINE = "online", "Online"


class WorkflowStage(models.Model):
    """One stage of the studio's Digital Workflow."""

    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveIntegerField(default=0)
    role = models.CharField(max_length=10, choices=StageRole.choices, blank=True, default="")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"],
                condition=~models.Q(role=""),
                name="one_stage_per_role",
                violation_error_message="Another stage already has this role.",
            )
        ]

    def __str__(self) -> str:
        return self.name


DEFAULT_STAGES: list[tuple[str, str]] = [
    ("Booked", ""),
    ("Photographed", ""),
    ("Culling & editing", ""),
    ("Upload Images", StageRole.UPLOAD),
    ("Online", StageRole.ONLINE),
    ("Ordered", ""),
    ("In production", ""),
    ("Delivered", ""),
]


def workflow_setup() -> None:
    """Create the default workflow when the studio has none."""
    if WorkflowStage.objects.exists():
        return
    WorkflowStage.objects.bulk_create(
        WorkflowStage(name=name, position=(i + 1) * 10, role=role)
        for i, (name, role) in enumerate(DEFAULT_STAGES)
    )


def stage_for_role(role: StageRole) -> WorkflowStage | None:
    return WorkflowStage.objects.filter(role=role).first()


def first_stage() -> WorkflowStage | None:
    return WorkflowStage.objects.order_by("position", "pk").first()


def stages_with_counts() -> QuerySet[WorkflowStage]:
    # An aggregate drops Meta.ordering: say it again.
    return WorkflowStage.objects.annotate(session_count=Count("sessions")).order_by(
        "position", "pk"
    )


class StatusChange(models.Model):
    """A session moved from one stage to another: who and when."""

    session = models.ForeignKey(
        "studio.Session", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_stage = models.ForeignKey(
        WorkflowStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey(WorkflowStage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.session} → {self.to_stage}"


def stages_all() -> QuerySet[WorkflowStage]:
    """Every workflow stage, in the studio's order."""
    return WorkflowStage.objects.all()


def stage_by_pk(pk: int) -> WorkflowStage | None:
    return WorkflowStage.objects.filter(pk=pk).first()
