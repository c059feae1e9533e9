"""The confirmation mails of a placed order: the client's and the studio's notice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from proofroom.core.money import format_money
from proofroom.gallery.mail import MailKind, OutgoingMail, mail_queue, mail_send_on_commit
from proofroom.gallery.store.models import Order


def order_email_context(order: Order) -> dict[str, Any]:
    page = reverse("gallery:order", args=[order.studio.slug, order.display_number])
    return {
        "order": order,
        "studio": order.studio,
        "lines": list(order.lines.all()),
        "url": f"{settings.PUBLIC_URL}{page}",
        "paid": order.payments.exists(),
    }


def order_mails_queue(order: Order) -> None:
    """In the transaction that placed the order: the client's confirmation (when the account
    has an email) and the studio's notice of a new web order (when the studio has one).
    Both go out once it commits, and are retried while the mail server is down."""
    studio = order.studio
    context = order_email_context(order)
    mails: list[OutgoingMail] = []
    if order.email:
        confirmation = mail_queue(
            studio=studio,
            kind=MailKind.ORDER_CONFIRMATION,
            reference=order.display_number,
            to=[order.email],
            reply_to=[studio.email] if studio.email else None,
            subject=f"Your order {order.display_number} at {studio.name}",
            text=render_to_string("gallery/email/order.txt", context),
            html=render_to_string("gallery/email/order.html", context),
        )
        mails.append(confirmation)
    if studio.email:
        who = f"{order.first_name} {order.last_name}".strip() or order.email or "a client"
        notice = mail_queue(
            studio=studio,
            kind=MailKind.ORDER_NOTICE,
            reference=order.display_number,
            to=[studio.email],
            reply_to=[order.email] if order.email else None,
            subject=(
                f"New web order {order.display_number} from {who}: "
                f"{format_money(order.total, order.currency)}"
                + (" paid" if context["paid"] else "")
            ),
            text=render_to_string("gallery/email/order_notice.txt", context | {"who": who}),
        )
        mails.append(notice)
    mail_send_on_commit(mails)
