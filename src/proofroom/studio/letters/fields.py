"""The merge fields a letter may use, documented once, and their values for one letter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format

from proofroom.core.money import format_money
from proofroom.studio.clients import Client
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.invoices.selectors import invoice_balance
from proofroom.studio.online import OnlineSettings
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio

CHOSEN_PASSWORD = "the password you chose"  # noqa: S105 - words for the letter

# (name, what it is): the desk shows this list beside every letter.
MERGE_FIELDS: list[tuple[str, str]] = [
    ("client.first_name", "The client's first name"),
    ("client.last_name", "The client's last name"),
    ("client.full_name", "The client's first and last name"),
    ("client.email", "The client's email address"),
    ("gallery.username", "The client's gallery user name (their email)"),
    (
        "gallery.password",
        "The first password: the last name until the client sets their own in the gallery, "
        f'then "{CHOSEN_PASSWORD}"',
    ),
    ("session.number", "The session's number"),
    ("session.description", "The session's description"),
    ("session.date", "The session's date"),
    ("session.event_code", "The session's event code (guests open the event with it)"),
    ("session.gallery_link", "The link straight to the session in the online gallery"),
    ("session.expire_date", "The day the session leaves the gallery"),
    ("session.days_left", "How many days it stays online from today"),
    ("studio.name", "The studio's name"),
    ("studio.phone", "The studio's phone"),
    ("studio.email", "The studio's email"),
    ("studio.address", "The studio's address"),
    ("studio.website", "The studio's web site"),
    ("invoice.number", "The invoice's number"),
    ("invoice.total", "The invoice's total"),
    ("invoice.balance", "What is still owed on the invoice"),
    ("invoice.web_order_number", "The web order number the client was given online"),
]
FIELD_NAMES = frozenset(name for name, _ in MERGE_FIELDS)


def _date(value: dt.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


@dataclass(frozen=True)
class LetterFor:
    """Who and what a letter is about; everything needed to fill it, loaded beforehand."""

    studio: Studio
    client: Client
    today: dt.date
    session: Session | None = None
    online: OnlineSettings | None = None
    invoice: Invoice | None = None
    invoice_balance: int | None = None

    @property
    def login_is_new(self) -> bool:
        """The client's gallery password is still their last name: the gallery has not told
        the desk (at a sync) that they chose their own since the last Reset Login."""
        return self.client.gallery_password_chosen_at is None

    def values(self) -> dict[str, str]:
        studio, client, session, online = self.studio, self.client, self.session, self.online
        values = {
            "client.first_name": client.first_name,
            "client.last_name": client.last_name,
            "client.full_name": client.full_name,
            "client.email": client.email,
            "gallery.username": client.email,
            "gallery.password": client.last_name if self.login_is_new else CHOSEN_PASSWORD,
            "studio.name": studio.name,
            "studio.phone": studio.phone,
            "studio.email": studio.email,
            "studio.address": " ".join(studio.address.split()),
            "studio.website": studio.website,
        }
        if session is not None:
            values |= {
                "session.number": str(session.number),
                "session.description": session.description,
                "session.date": _date(session.date),
                "session.gallery_link": studio.gallery_url,
            }
        if online is not None:
            values |= {
                "session.event_code": online.event_code,
                "session.gallery_link": online.gallery_url or studio.gallery_url,
                "session.expire_date": _date(online.expire_date),
                "session.days_left": str(max((online.expire_date - self.today).days, 0)),
            }
        invoice = self.invoice
        if invoice is not None:
            balance = self.invoice_balance
            values |= {
                "invoice.number": str(invoice.number),
                "invoice.total": format_money(invoice.total, invoice.currency),
                "invoice.balance": ""
                if balance is None
                else format_money(balance, invoice.currency),
                "invoice.web_order_number": invoice.web_order_number,
            }
        return values


def letter_for(
    *,
    studio: Studio,
    client: Client,
    today: dt.date,
    session: Session | None = None,
    invoice: Invoice | None = None,
) -> LetterFor:
    """Everything a letter needs about one client (a few queries: for one letter)."""
    online = OnlineSettings.objects.filter(session=session).first() if session else None
    return LetterFor(
        studio=studio,
        client=client,
        today=today,
        session=session,
        online=online,
        invoice=invoice,
        invoice_balance=invoice_balance(invoice) if invoice is not None else None,
    )
