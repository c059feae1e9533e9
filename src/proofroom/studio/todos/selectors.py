"""The reads of tasks: mine, the hub's filters, a record's tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from proofroom.studio.clients import Client, clients_search
from proofroom.studio.dates import studio_today
from proofroom.studio.todos.models import Todo, TodoState

DUE_SOONEST = F("due_date").asc(nulls_last=True)
RELATED = (
    "client",
    "session",
    "invoice",
    "assigned_user",
    "assigned_group",
    "completed_by",
)


def todos_all() -> QuerySet[Todo]:
    return Todo.objects.select_related(*RELATED)


def todo_get(*, pk: int) -> Todo:
    """One task, or a 404."""
    todo = todos_all().filter(pk=pk).first()
    if todo is None:
        raise Http404("No such task.")
    return todo


def _overdue_first(todos: QuerySet[Todo], today: dt.date) -> QuerySet[Todo]:
    return todos.annotate(
        late=Case(
            When(due_date__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("late", DUE_SOONEST, "pk")


def todos_mine(*, user: Any, today: dt.date | None = None) -> QuerySet[Todo]:
    """A staff member's open tasks: assigned to them or to a group they are in; overdue
    first, then by due date (none last)."""
    today = today or studio_today()
    groups = Group.objects.filter(user=user).values("pk")
    mine = todos_all().filter(
        Q(assigned_user=user) | Q(assigned_group__in=groups), completed_at__isnull=True
    )
    return _overdue_first(mine, today)


def todos_search(
    *,
    assignee: str = "",
    user: Any = None,
    state: str = "",
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    today: dt.date | None = None,
) -> QuerySet[Todo]:
    """The hub's list. ``assignee``: "me" (``user`` or their groups), "u<id>" a staff
    member, "g<id>" a department, "none" nobody, "" everyone; ``state``: open, overdue,
    done or "" (all)."""
    today = today or studio_today()
    todos = todos_all()
    if assignee == "me" and user is not None:
        groups = Group.objects.filter(user=user).values("pk")
        todos = todos.filter(Q(assigned_user=user) | Q(assigned_group__in=groups))
    elif assignee == "none":
        todos = todos.filter(assigned_user__isnull=True, assigned_group__isnull=True)
    elif assignee[:1] in ("u", "g") and assignee[1:].isdigit():
        field = "assigned_user_id" if assignee[0] == "u" else "assigned_group_id"
        todos = todos.filter(**{field: int(assignee[1:])})
    if state == TodoState.OPEN:
        todos = todos.filter(completed_at__isnull=True)
    elif state == TodoState.OVERDUE:
        todos = todos.filter(completed_at__isnull=True, due_date__lt=today)
    elif state == TodoState.DONE:
        todos = todos.filter(completed_at__isnull=False)
    if due_from is not None:
        todos = todos.filter(due_date__gte=due_from)
    if due_to is not None:
        todos = todos.filter(due_date__lte=due_to)
    if state == TodoState.DONE:
        return todos.order_by("-completed_at", "-pk")
    return _overdue_first(todos, today)


def todos_linked(*, client: Any = None, session: Any = None, invoice: Any = None) -> QuerySet[Todo]:
    """The tasks about one record, open ones first."""
    todos = todos_all()
    if client is not None:
        todos = todos.filter(client=client)
    if session is not None:
        todos = todos.filter(session=session)
    if invoice is not None:
        todos = todos.filter(invoice=invoice)
    return todos.order_by(
        Case(When(completed_at__isnull=True, then=Value(0)), default=Value(1)),
        DUE_SOONEST,
        "-pk",
    )


def invoice_numbered(number: int) -> Any:
    """The invoice of that number, or None (reached through the task's link: the invoices'
    module imports the downloads, which make tasks)."""
    invoices = Todo._meta.get_field("invoice").related_model._default_manager  # type: ignore[union-attr]
    return invoices.filter(number=number).select_related("client").first()


def staff_and_departments() -> tuple[list[Any], list[Group]]:
    """Who a task can be assigned to: active staff, and the security groups."""
    from django.contrib.auth.models import User

    staff = list(
        User.objects.filter(is_staff=True, is_active=True).order_by("first_name", "username")
    )
    return staff, list(Group.objects.order_by("name"))


def client_label(client: Client) -> str:
    """A client as the task form writes it: the name, the email when there is one, and
    the id that makes it unambiguous ("Ana Souza · ana@souza.example · client 12")."""
    parts = [client.full_name or "(no name)", client.email, f"client {client.pk}"]
    return " · ".join(part for part in parts if part)


def client_suggestions(*, query: str, limit: int = 20) -> list[str]:
    """The clients matching what was typed in a task's Client field (two letters at
    least), as the field writes them, by name."""
    query = query.strip()[:100]
    if len(query) < 2:
        return []
    clients = clients_search(query=query).order_by("last_name", "first_name", "pk")
    return [client_label(client) for client in clients[:limit]]
