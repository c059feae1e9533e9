"""The desk's Tasks pages: the hub, a task's page (new and edit), tick done, reopen, and
Settings → Tasks. Each action its own URL."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from proofroom.studio.areas import Area, desk_page, may_open
from proofroom.studio.clients import Client
from proofroom.studio.dates import studio_today
from proofroom.studio.sessions import Session
from proofroom.studio.todos.forms import TodoFilterForm, TodoForm, TodoRuleForm
from proofroom.studio.todos.models import TodoEvent, TodoState
from proofroom.studio.todos.rules import todo_rule_update, todo_rules
from proofroom.studio.todos.selectors import (
    client_suggestions,
    invoice_numbered,
    todo_get,
    todos_search,
)
from proofroom.studio.todos.services import (
    todo_complete,
    todo_create,
    todo_reopen,
    todo_update,
)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the action was taken on (the home page, a client's...)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@desk_page(Area.TASKS)
def todo_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    query.pop("page", None)
    form = TodoFilterForm(query or {"state": TodoState.OPEN})
    filters = form.cleaned_data if form.is_valid() else {}
    todos = todos_search(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(todos, 50).get_page(request.GET.get("page"))
    shown = query.urlencode() or urlencode({"state": TodoState.OPEN})
    return render(
        request,
        "studio/todos/list.html",
        {"form": form, "page": page, "today": studio_today(), "filters": shown},
    )


def _initial(request: HttpRequest) -> dict[str, object]:
    """A new task from a client's, session's or invoice's page starts linked to it."""
    initial: dict[str, object] = {}
    raw = {key: request.GET.get(key, "") for key in ("client", "session", "invoice")}
    if raw["client"].isdigit():
        initial["client"] = Client.objects.filter(pk=int(raw["client"])).first()
    if raw["session"].isdigit():
        session = Session.objects.filter(number=int(raw["session"])).first()
        if session is not None:
            initial["session_number"], initial["client"] = session.number, session.client
    if raw["invoice"].isdigit():
        invoice = invoice_numbered(int(raw["invoice"]))
        if invoice is not None:
            initial["invoice_number"], initial["client"] = invoice.number, invoice.client
    return initial


@desk_page(Area.TASKS)
def todo_new(request: HttpRequest) -> HttpResponse:
    form = TodoForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        todo = todo_create(created_by=request.user, **form.service_fields())
        messages.success(request, f"Task “{todo.title}” was added.")
        return redirect("studio:todo_list")
    return render(request, "studio/todos/form.html", {"form": form, "todo": None})


@desk_page(Area.TASKS)
def todo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    todo = todo_get(pk=pk)
    initial = {
        "title": todo.title,
        "notes": todo.notes,
        "assignee": TodoForm.assignee_of(todo),
        "due_date": todo.due_date,
        "client": todo.client,
        "session_number": todo.session.number if todo.session else None,
        "invoice_number": getattr(todo.invoice, "number", None),
    }
    form = TodoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        todo_update(todo=todo, **form.service_fields())
        messages.success(request, "Saved.")
        return redirect("studio:todo_edit", pk=todo.pk)
    return render(request, "studio/todos/form.html", {"form": form, "todo": todo})


@desk_page(Area.TASKS)
@require_GET
def todo_client_search(request: HttpRequest) -> JsonResponse:
    """The suggestions of a task's Client field: the clients matching ``q`` (at most 20);
    none to staff whose groups do not open the clients (they may still type a name)."""
    if not may_open(request.user, Area.CLIENTS):
        return JsonResponse({"clients": []})
    return JsonResponse({"clients": client_suggestions(query=request.GET.get("q", ""))})


@desk_page(Area.TASKS)
@require_POST
def todo_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    todo = todo_complete(todo=todo_get(pk=pk), user=request.user)
    messages.success(request, f"Done: {todo.title}")
    return _back(request, "studio:todo_list")


@desk_page(Area.TASKS)
@require_POST
def todo_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    todo = todo_reopen(todo=todo_get(pk=pk))
    messages.success(request, f"Open again: {todo.title}")
    return _back(request, "studio:todo_list")


@desk_page(Area.SETTINGS)
def todo_rules_page(request: HttpRequest) -> HttpResponse:
    posted = request.POST.get("event", "") if request.method == "POST" else ""
    forms = []
    for rule in todo_rules():
        bound = rule.event == posted
        initial = {
            "enabled": rule.enabled,
            "title": rule.title,
            "assignee": TodoRuleForm.assignee_of(rule),
            "due_in_days": rule.due_in_days,
            "days_before": rule.days_before,
        }
        form = TodoRuleForm(request.POST if bound else None, initial=initial, prefix=rule.event)
        if bound and form.is_valid():
            data = form.cleaned_data
            todo_rule_update(
                event=TodoEvent(rule.event),
                enabled=data["enabled"],
                title=data["title"],
                assigned_user=data["assigned_user"],
                assigned_group=data["assigned_group"],
                due_in_days=data["due_in_days"],
                days_before=data["days_before"] if data["days_before"] is not None else 7,
            )
            messages.success(request, f"Saved: {rule.get_event_display()}.")
            return redirect("studio:todo_rules")
        forms.append((rule, form))
    return render(request, "studio/todos/rules.html", {"rules": forms})


urlpatterns = [
    path("tasks/", todo_list, name="todo_list"),
    path("tasks/new/", todo_new, name="todo_new"),
    path("tasks/clients/", todo_client_search, name="todo_client_search"),
    path("tasks/<int:pk>/", todo_edit, name="todo_edit"),
    path("tasks/<int:pk>/done/", todo_complete_view, name="todo_complete"),
    path("tasks/<int:pk>/reopen/", todo_reopen_view, name="todo_reopen"),
    path("settings/tasks/", todo_rules_page, name="todo_rules"),
]
