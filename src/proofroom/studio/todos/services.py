"""The writes of tasks: create, edit, tick done, reopen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from proofroom.studio.clients import Client
from proofroom.studio.sessions import Session
from proofroom.studio.todos.models import Todo


def _links_filled(todo: Todo) -> None:
    """A task about a session or an invoice is about its client too."""
    if todo.client_id is None and todo.session is not None:
        todo.client_id = todo.session.client_id
    invoice: Any = todo.invoice
    if todo.client_id is None and invoice is not None:
        todo.client_id = invoice.client_id


@transaction.atomic
def todo_create(
    *,
    title: str,
    notes: str = "",
    client: Client | None = None,
    session: Session | None = None,
    invoice: Any = None,
    assigned_user: Any = None,
    assigned_group: Group | None = None,
    due_date: dt.date | None = None,
    created_by: Any = None,
) -> Todo:
    todo = Todo(
        title=title,
        notes=notes,
        client=client,
        session=session,
        invoice=invoice,
        assigned_user=assigned_user,
        assigned_group=assigned_group,
        due_date=due_date,
        created_by=created_by,
    )
    _links_filled(todo)
    todo.full_clean()
    todo.save()
    return todo


@transaction.atomic
def todo_update(
    *,
    todo: Todo,
    title: str,
    notes: str,
    client: Client | None,
    session: Session | None,
    invoice: Any,
    assigned_user: Any,
    assigned_group: Group | None,
    due_date: dt.date | None,
) -> Todo:
    todo.title, todo.notes, todo.due_date = title, notes, due_date
    todo.client, todo.session, todo.invoice = client, session, invoice
    todo.assigned_user, todo.assigned_group = assigned_user, assigned_group
    _links_filled(todo)
    todo.full_clean()
    todo.save()
    return todo


@transaction.atomic
def todo_complete(*, todo: Todo, user: Any) -> Todo:
    """Tick a task done (a second tick, from another page left open, changes nothing)."""
    Todo.objects.filter(pk=todo.pk, completed_at__isnull=True).update(
        completed_at=timezone.now(), completed_by=user
    )
    todo.refresh_from_db()
    return todo


@transaction.atomic
def todo_reopen(*, todo: Todo) -> Todo:
    Todo.objects.filter(pk=todo.pk).update(completed_at=None, completed_by=None)
    todo.refresh_from_db()
    return todo
