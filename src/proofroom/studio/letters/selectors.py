"""Finding the client a letter is previewed for, by what staff type: a name or an email.

The letter editor's field is plain text with suggestions (a studio has thousands of
clients: no list of them all). A suggestion reads ``Ada Park <ada@example.com>``, or
``Ada Park (client 12)`` for a client without an email, so choosing one names one client.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat, Lower

from proofroom.studio.clients import Client

SUGGESTIONS = 10
_NUMBER_LAST = re.compile(r"\(client (\d{1,18})\)\s*$")


def client_label(client: Client) -> str:
    """How a client is suggested and shown in the field (resolves back to them)."""
    if client.email:
        return f"{client.full_name} <{client.email}>"
    return f"{client.full_name} (client {client.pk})"


def clients_suggested(*, text: str, limit: int = SUGGESTIONS) -> list[Client]:
    """Up to ``limit`` clients whose first name, last name or email holds every word typed."""
    words = text.split()[:5]
    if not words or len(text.strip()) < 2:
        return []
    matches: QuerySet[Client] = Client.objects.all()
    for word in words:
        matches = matches.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return list(matches.order_by(Lower("last_name"), Lower("first_name"), "pk")[:limit])


def _named(clients: QuerySet[Client], name: str) -> QuerySet[Client]:
    """Those whose "first last" is ``name`` (any case, spaces squeezed)."""
    full = Lower(Concat("first_name", Value(" "), "last_name"))
    return clients.annotate(name=full).filter(name=" ".join(name.split()).casefold())


def client_for_preview(*, text: str) -> Client | None:
    """The one client ``text`` names: a suggestion as shown, an email, or a full name
    ("Ada Park" or "Park, Ada"). None for nothing typed; a ValidationError when no client
    or several go by it."""
    text = text.strip()
    if not text:
        return None
    number = _NUMBER_LAST.search(text)
    name, _, email = text[:-1].rpartition(" <") if text.endswith(">") else ("", "", "")
    if number is not None:
        found = Client.objects.filter(pk=int(number.group(1)))
    elif "@" in email:
        found = Client.objects.filter(email__iexact=email)
        if found.count() > 1:  # a family sharing one address
            found = _named(found, name)
    elif "@" in text:
        found = Client.objects.filter(email__iexact=text)
    else:
        last, comma, first = text.partition(",")
        found = _named(Client.objects.all(), f"{first} {last}" if comma else text)
    clients = list(found[:2])
    if not clients:
        raise ValidationError(
            f"No client goes by “{text}”: type a name or an email, and pick a suggestion."
        )
    if len(clients) > 1:
        raise ValidationError(
            f"More than one client goes by “{text}”: pick one of the suggestions."
        )
    return clients[0]
