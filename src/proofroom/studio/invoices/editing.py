"""Who may change an invoice: a downloaded web order only staff allowed to edit web orders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.core.exceptions import PermissionDenied

from proofroom.studio.invoices.models import Invoice

Actor = AbstractBaseUser | AnonymousUser | None

WEB_ORDER_PERMISSION = "studio.change_web_order_invoice"
WEB_ORDER_REFUSAL = (
    "This invoice is a downloaded web order. Your security group does not allow "
    "editing web-order invoices, so nothing was changed; ask the studio owner."
)
WEB_ORDER_NOTICE = (
    "Changes you make here are not sent back to the gallery; "
    "the client's online order history keeps what they ordered."
)


def may_edit(*, invoice: Invoice, actor: Actor) -> bool:
    """Whether this person may change the invoice (None is the desk itself, e.g. the sync)."""
    if actor is None or not invoice.is_web_order:
        return True
    if isinstance(actor, PermissionsMixin | AnonymousUser):
        return bool(actor.has_perm(WEB_ORDER_PERMISSION))
    return False


def check_may_edit(invoice: Invoice, actor: Actor) -> None:
    if not may_edit(invoice=invoice, actor=actor):
        raise PermissionDenied(WEB_ORDER_REFUSAL)


def staff(actor: Actor) -> Any:
    from django.contrib.auth.models import User

    return actor if isinstance(actor, User) else None
