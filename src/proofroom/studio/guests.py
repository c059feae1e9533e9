"""Gallery guest accounts and the client records they became (or were linked to)."""

from __future__ import annotations

from django.db import models

from proofroom.studio.clients import Client
from proofroom.studio.sessions import Session


class GuestLink(models.Model):
    """A gallery guest account and the client record it became (or was linked to)."""

    account_uuid = models.UUIDField(unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="guest_links")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_existing = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"guest {self.account_uuid} → {self.client}"
