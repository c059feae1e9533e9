from __future__ import annotations

from typing import Any

from django import template

from proofroom.studio.clients import Client
from proofroom.studio.mail.outbox import client_communication

register = template.Library()


@register.inclusion_tag("studio/letters/_history.html")
def communication_history(client: Client, latest: int = 10) -> dict[str, Any]:
    """``{% communication_history client %}``: the client's latest mail, on the client page."""
    return {"mails": list(client_communication(client=client)[:latest]), "client": client}
