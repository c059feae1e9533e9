"""``{% load todos %}{% linked_todos client=client %}``: a record's tasks on its page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.http import urlencode

from proofroom.studio.dates import studio_today
from proofroom.studio.todos.selectors import todos_linked, todos_mine

register = template.Library()


@register.inclusion_tag("studio/todos/_linked.html", takes_context=True)
def linked_todos(
    context: template.Context, *, client: Any = None, session: Any = None, invoice: Any = None
) -> dict[str, Any]:
    request = context["request"]
    query = (
        {"invoice": invoice.number}
        if invoice is not None
        else {"session": session.number}
        if session is not None
        else {"client": client.pk}
    )
    return {
        "todos": todos_linked(client=client, session=session, invoice=invoice),
        "today": studio_today(getattr(request, "desk_studio", None)),
        "next": request.get_full_path(),
        "query": urlencode(query),
        "desk_may": context.get("desk_may"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("studio/todos/_mine.html", takes_context=True)
def my_todos(context: template.Context, *, limit: int = 20) -> dict[str, Any]:
    """The home page's "My tasks": open, mine or my groups', overdue first."""
    request = context["request"]
    today = studio_today(getattr(request, "desk_studio", None))
    mine = list(todos_mine(user=request.user, today=today)[: limit + 1])
    return {
        "todos": mine[:limit],
        "more": len(mine) > limit,
        "today": today,
        "next": request.get_full_path(),
        "desk_may": context.get("desk_may"),
        "csrf_token": context.get("csrf_token"),
    }
