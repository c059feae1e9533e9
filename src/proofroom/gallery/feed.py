"""The gallery's change feed: an append-only outbox the studio reads with a cursor.

Every action a studio must hear about (a favourite, a guest, a yearbook pick,
later an order) writes one row here in the same transaction as the action.
The studio reads rows after its cursor, per kind, applies them and acknowledges
the highest it applied, so the gallery can show "received by the studio".
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Max

from proofroom.gallery.db import atomic


class Change(models.Model):
    """One entry of a studio's feed. The primary key is the sequence number."""

    id = models.BigAutoField(primary_key=True)
    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["studio", "kind", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.id}"


class ChangeAck(models.Model):
    """The highest sequence of one kind the studio says it applied."""

    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="acks")
    kind = models.CharField(max_length=20)
    upto = models.BigIntegerField(default=0)
    acked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["studio", "kind"]
        constraints = [models.UniqueConstraint(fields=["studio", "kind"], name="one_ack_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} ≤ {self.upto}"


def change_emit(*, studio_id: int, kind: str, payload: dict[str, Any]) -> Change:
    """Append to the feed; call inside the transaction of the action it reports."""
    assert transaction.get_connection(Change.objects.db).in_atomic_block, "emit inside the action"
    return Change.objects.create(studio_id=studio_id, kind=kind, payload=payload)


def changes_after(*, studio_id: int, kinds: list[str], after: int, limit: int) -> list[Change]:
    return list(
        Change.objects.filter(studio_id=studio_id, kind__in=kinds, id__gt=after).order_by("id")[
            :limit
        ]
    )


def feed_head(*, studio_id: int) -> int:
    return Change.objects.filter(studio_id=studio_id).aggregate(m=Max("id"))["m"] or 0


@atomic
def changes_ack(*, studio_id: int, kind: str, upto: int) -> int:
    """Record the studio's acknowledgement; it never moves backwards."""
    ack, _ = ChangeAck.objects.select_for_update().get_or_create(studio_id=studio_id, kind=kind)
    if upto > ack.upto:
        ack.upto = min(upto, feed_head(studio_id=studio_id))
        ack.save(update_fields=["upto", "acked_at"])
    return ack.upto


def acked_upto(*, studio_id: int, kind: str) -> int:
    ack = ChangeAck.objects.filter(studio_id=studio_id, kind=kind).first()
    return ack.upto if ack else 0
