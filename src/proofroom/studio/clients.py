"""Clients: the people and families a studio photographs and bills."""

from __future__ import annotations

import uuid
from typing import TypedDict, Unpack

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from proofroom.core.services import model_update


class Client(models.Model):
    """A studio's client. The uuid names the client to the gallery."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    street = models.CharField("street address", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state / region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    login_reset = models.PositiveIntegerField(
        default=0, editable=False, help_text="Times the studio pressed Reset Login."
    )
    gallery_password_chosen_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the client set their own gallery password (empty: still the last name).",
    )
    synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("last_name"), Lower("first_name"), "pk"]
        indexes = [
            models.Index(Lower("last_name"), name="client_last_name_ci"),
            models.Index(Lower("email"), name="client_email_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def address_lines(self) -> list[str]:
        locality = " ".join(p for p in (self.city, self.region, self.postal_code) if p)
        return [line for line in (self.street, locality, self.country) if line]


CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "notes",
)


class ClientFields(TypedDict, total=False):
    """What staff may set on a client record (``CLIENT_FIELDS``)."""

    first_name: str
    last_name: str
    email: str
    phone: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    notes: str


@transaction.atomic
def client_create(**fields: Unpack[ClientFields]) -> Client:
    client = Client()
    model_update(instance=client, fields=CLIENT_FIELDS, data=fields)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def client_update(*, client: Client, **fields: Unpack[ClientFields]) -> Client:
    model_update(instance=client, fields=CLIENT_FIELDS, data=fields)
    client.full_clean()
    client.save()
    return client


def clients_search(*, query: str = "") -> QuerySet[Client]:
    """Clients whose name, email or phone contain every word of the query."""
    clients = Client.objects.all()
    for word in query.split():
        clients = clients.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
    return clients


def client_synced(*, client: Client) -> None:
    """The gallery holds the client as they are now: the next sync skips them until edited."""
    Client.objects.filter(pk=client.pk).update(synced_at=timezone.now())


def client_by_pk(pk: int) -> Client | None:
    return Client.objects.filter(pk=pk).first()


def clients_all() -> QuerySet[Client]:
    """Every client, by name (a menu of them)."""
    return Client.objects.all()
