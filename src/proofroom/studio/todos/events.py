"""Automatic tasks: what an event makes, once.

Each event has a source key (a web order's uuid, a guest's account, a session and its
expire date...). ``(event, source key)`` is unique in the database, and the tasks of a
downloaded page are inserted in the transaction that applies the page (and advances its
cursor), so a sync cut and run again, or two syncs racing, make each task once: what a
rolled-back sync inserted is rolled back with it, and an insert that meets the task
already there is skipped by the database, not by a read that could race.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from proofroom.core.bulk import rows_insert
from proofroom.studio.clients import Client
from proofroom.studio.dates import studio_today
from proofroom.studio.online import LIVE_STATES, OnlineSettings
from proofroom.studio.sessions import Session
from proofroom.studio.todos.models import Todo, TodoEvent, TodoRule
from proofroom.sync import protocol


@dataclass(frozen=True)
class Occurrence:
    """One event that may make a task: its unique source and what the task is about."""

    source_key: str
    subject: str
    client_id: int | None = None
    session_id: int | None = None
    invoice_id: int | None = None
    due_by: dt.date | None = None  # never due later than this (a session's expire date)


def rule_for(event: TodoEvent) -> TodoRule | None:
    """The event's rule when it makes tasks; None when it does not."""
    return (
        TodoRule.objects.filter(event=event, enabled=True)
        .select_related("assigned_user", "assigned_group")
        .first()
    )


def todos_for_occurrences(
    *, rule: TodoRule, occurrences: list[Occurrence], today: dt.date | None = None
) -> None:
    """Make the rule's task for each occurrence that has none yet (one insert)."""
    if not occurrences:
        return
    today = today or studio_today()
    due = today + dt.timedelta(days=rule.due_in_days)
    title = rule.title or TodoEvent(rule.event).label
    todos = {
        o.source_key: Todo(
            title=f"{title}: {o.subject}"[:200],
            event=rule.event,
            source_key=o.source_key[:200],
            client_id=o.client_id,
            session_id=o.session_id,
            invoice_id=o.invoice_id,
            assigned_user=rule.assigned_user,
            assigned_group=rule.assigned_group,
            due_date=min(due, o.due_by) if o.due_by else due,
        )
        for o in occurrences
    }
    rows_insert(list(todos.values()), ignore_conflicts=True)


def todo_for_event(
    *,
    event: TodoEvent,
    source_key: str,
    subject: str,
    client: Client | None = None,
    session: Session | None = None,
    invoice: Model | None = None,
) -> None:
    """For the events other issues wire (a contract signed, album comments, an album
    approved): call in the transaction that records the event."""
    rule = rule_for(event)
    if rule is None:
        return
    if client is None and session is not None:
        client = session.client
    occurrence = Occurrence(
        source_key=source_key,
        subject=subject,
        client_id=client.pk if client else None,
        session_id=session.pk if session else None,
        invoice_id=invoice.pk if invoice else None,
    )
    todos_for_occurrences(rule=rule, occurrences=[occurrence])


# --- What each downloaded change kind is an occurrence of ---------------------------


# Models of modules that import the downloads, which call this one: reached without an import.
def _invoices() -> Any:
    return Todo._meta.get_field("invoice").related_model._default_manager  # type: ignore[union-attr]


def _guest_links() -> Any:
    return Client._meta.get_field("guest_links").related_model._default_manager  # type: ignore[union-attr]


def _sessions(uuids: set[uuid.UUID]) -> dict[uuid.UUID, Session]:
    return {s.uuid: s for s in Session.objects.filter(uuid__in=uuids).select_related("client")}


def _orders(page: list[dict[str, object]]) -> list[Occurrence]:
    # The page was validated as web orders by the applier just before, in this transaction:
    # only the four keys read here, and the invoices' ids, not their rows.
    wanted = [uuid.UUID(str(data["uuid"])) for data in page]
    invoices: dict[uuid.UUID, tuple[str, int | None, int | None, int]] = {
        row[0]: row[1:]
        for row in _invoices()
        .filter(web_order_uuid__in=set(wanted))
        .values_list("web_order_uuid", "web_order_number", "client_id", "session_id", "pk")
    }
    made = []
    for order_uuid, data in zip(wanted, page, strict=True):
        invoice = invoices.get(order_uuid)
        number = invoice[0] if invoice else data["number"]
        name = f"{data['first_name']} {data['last_name']}".strip()
        made.append(
            Occurrence(
                source_key=str(order_uuid),
                subject=f"web order {number}" + (f" ({name})" if name else ""),
                client_id=invoice[1] if invoice else None,
                session_id=invoice[2] if invoice else None,
                invoice_id=invoice[3] if invoice else None,
            )
        )
    return made


def _prepaid(page: list[dict[str, object]]) -> list[Occurrence]:
    changes = [protocol.PrepaidChange.model_validate(data) for data in page]
    invoices = {i.uuid: i for i in _invoices().filter(uuid__in={c.order for c in changes})}
    made = []
    for change in changes:
        invoice = invoices.get(change.order)
        if invoice is None:
            continue
        made.append(
            Occurrence(
                source_key=f"{change.order}@{change.submitted_at.isoformat()}",
                subject=f"prepaid selections of invoice {invoice.number}",
                client_id=invoice.client_id,
                session_id=invoice.session_id,
                invoice_id=invoice.pk,
            )
        )
    return made


def _favourites(page: list[dict[str, object]]) -> list[Occurrence]:
    changes = [protocol.FavouritesChange.model_validate(data) for data in page]
    sessions = _sessions({c.session for c in changes})
    made = []
    for change in changes:
        session = sessions.get(change.session)
        if session is None or not change.images:
            continue
        made.append(
            Occurrence(
                source_key=f"{change.session}/{change.account}",
                subject=f"favourites in session #{session.number} ({session.client})",
                client_id=session.client_id,
                session_id=session.pk,
            )
        )
    return made


def _guests(page: list[dict[str, object]]) -> list[Occurrence]:
    changes = [protocol.GuestChange.model_validate(data) for data in page]
    links = _guest_links().filter(account_uuid__in={c.account for c in changes})
    clients = {link.account_uuid: link.client for link in links.select_related("client")}
    sessions = _sessions({c.session for c in changes if c.session is not None})
    made = []
    for change in changes:
        client = clients.get(change.account)
        session = sessions.get(change.session) if change.session else None
        name = f"{change.first_name} {change.last_name}".strip() or change.email
        made.append(
            Occurrence(
                source_key=str(change.account),
                subject=f"guest {name}" + (f" in session #{session.number}" if session else ""),
                client_id=client.pk if client else None,
                session_id=session.pk if session else None,
            )
        )
    return made


def _yearbook(page: list[dict[str, object]]) -> list[Occurrence]:
    changes = [protocol.YearbookChange.model_validate(data) for data in page]
    sessions = _sessions({c.session for c in changes})
    made = []
    for change in changes:
        session = sessions.get(change.session)
        if session is None:
            continue
        made.append(
            Occurrence(
                source_key=f"{change.session}@{change.picked_at.isoformat()}",
                subject=f"yearbook pick in session #{session.number} ({session.client})",
                client_id=session.client_id,
                session_id=session.pk,
            )
        )
    return made


CHANGE_EVENTS: dict[
    str, tuple[TodoEvent, Callable[[list[dict[str, object]]], list[Occurrence]]]
] = {
    protocol.ChangeKind.ORDER: (TodoEvent.WEB_ORDER, _orders),
    protocol.ChangeKind.PREPAID: (TodoEvent.PREPAID, _prepaid),
    protocol.ChangeKind.FAVOURITES: (TodoEvent.FAVOURITES, _favourites),
    protocol.ChangeKind.GUEST: (TodoEvent.GUEST, _guests),
    protocol.ChangeKind.YEARBOOK: (TodoEvent.YEARBOOK, _yearbook),
}


def todos_for_changes(*, kind: str, page: list[dict[str, object]]) -> None:
    """The tasks a page of downloaded changes makes. Called by ``changes_apply`` after it
    applied the page, in its transaction; a fixed number of queries per page."""
    if kind not in CHANGE_EVENTS or not page:
        return
    event, occurrences_of = CHANGE_EVENTS[kind]
    rule = rule_for(event)
    if rule is not None:
        todos_for_occurrences(rule=rule, occurrences=occurrences_of(page))


def todos_for_expiring_sessions(*, today: dt.date | None = None) -> None:
    """One task per online session whose expire date is within the rule's days (once per
    session and expire date: an extension makes a new one for the new date)."""
    rule = rule_for(TodoEvent.SESSION_EXPIRING)
    if rule is None:
        return
    today = today or studio_today()
    horizon = today + dt.timedelta(days=rule.days_before)
    expiring = OnlineSettings.objects.filter(
        state__in=LIVE_STATES, expire_date__gte=today, expire_date__lte=horizon
    ).select_related("session", "session__client")
    todos_for_occurrences(
        rule=rule,
        today=today,
        occurrences=[
            Occurrence(
                source_key=f"{o.session.uuid}@{o.expire_date.isoformat()}",
                subject=f"session #{o.session.number} ({o.session.client}) "
                f"expires {o.expire_date.day} {o.expire_date:%b %Y}",
                client_id=o.session.client_id,
                session_id=o.session_id,
                due_by=o.expire_date,
            )
            for o in expiring
        ],
    )
