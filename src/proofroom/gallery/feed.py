"""The gallery's change feed: an append-only outbox the studio reads with a cursor.

Every action a studio must hear about (a favourite, a guest, a yearbook pick,
later an order) writes one row here in the same transaction as the action.
The studio reads rows after its cursor, per kind, applies them and acknowledges
the highest it applied, so the gallery can show "received by the studio".

The cursor is a per-studio sequence number, not the row's auto-increment id: on
PostgreSQL transactions commit out of id order, so a reader could see id 3 while
id 2 is still uncommitted, move its cursor to 3 and never see 2. The sequence is
taken from the studio's counter row locked in the emitting transaction, so a
studio's emitters commit one after the other in sequence order and every change
a reader can see has every lower sequence visible too.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from proofroom.gallery.db import atomic
from proofroom.sync.protocol import ChangeKind


class FeedCounter(models.Model):
    """The last sequence number handed out in one studio's feed; locked by each emitter."""

    studio = models.OneToOneField(
        "gallery.Studio", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"feed of studio {self.studio_id} at {self.last_seq}"


class Change(models.Model):
    """One entry of a studio's feed, numbered by ``seq`` in commit order."""

    id = models.BigAutoField(primary_key=True)
    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="changes")
    seq = models.BigIntegerField(help_text="The studio's sequence number: its commit order.")
    kind = models.CharField(max_length=20, choices=[(k.value, k.name.title()) for k in ChangeKind])
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["studio", "seq"]
        indexes = [models.Index(fields=["studio", "kind", "seq"], name="change_kind_seq")]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "seq"],
                name="change_seq_once",
                violation_error_message="This sequence number is taken.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq}"


class ChangeAck(models.Model):
    """The highest sequence of one kind the studio says it applied."""

    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="acks")
    kind = models.CharField(max_length=20, choices=[(k.value, k.name.title()) for k in ChangeKind])
    upto = models.BigIntegerField(default=0)
    acked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["studio", "kind"]
        constraints = [models.UniqueConstraint(fields=["studio", "kind"], name="one_ack_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} ≤ {self.upto}"


def _counter_locked(studio_id: int) -> FeedCounter:
    # Only the counter row: locking the studio's row too would hold up its other writers.
    locked = FeedCounter.objects.select_for_update(of=("self",)).filter(studio_id=studio_id)
    counter = locked.first()
    if counter is None:
        # A studio's first change: two first emitters both insert, one insert is kept.
        FeedCounter.objects.bulk_create([FeedCounter(studio_id=studio_id)], ignore_conflicts=True)
        counter = locked.get()
    return counter


def change_emit(*, studio_id: int, kind: str, payload: dict[str, Any]) -> Change:
    """Append to the feed; call inside the transaction of the action it reports, as late in
    it as it can be: the studio's counter stays locked until that transaction ends."""
    assert transaction.get_connection(Change.objects.db).in_atomic_block, "emit inside the action"
    counter = _counter_locked(studio_id)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return Change.objects.create(
        studio_id=studio_id, seq=counter.last_seq, kind=kind, payload=payload
    )


def changes_after(*, studio_id: int, kinds: list[str], after: int, limit: int) -> list[Change]:
    """The committed changes of these kinds after sequence ``after``, oldest first."""
    return list(
        Change.objects.filter(studio_id=studio_id, kind__in=kinds, seq__gt=after).order_by("seq")[
            :limit
        ]
    )


def feed_head(*, studio_id: int) -> int:
    """The highest committed sequence of the studio's feed (0 for an empty one)."""
    head = FeedCounter.objects.filter(studio_id=studio_id).values_list("last_seq", flat=True)
    return head.first() or 0


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
