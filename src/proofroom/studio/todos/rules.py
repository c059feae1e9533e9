"""Settings → Tasks: each event's automatic task."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F

from proofroom.studio.todos.jobs import expiring_watch_start
from proofroom.studio.todos.models import TodoEvent, TodoRule

DEFAULT_TITLES = {
    TodoEvent.WEB_ORDER: "Process the web order",
    TodoEvent.PREPAID: "Prepare the prepaid selections",
    TodoEvent.YEARBOOK: "Send the yearbook pick",
    TodoEvent.FAVOURITES: "Look at the client's favourites",
    TodoEvent.GUEST: "Welcome the new guest",
    TodoEvent.SESSION_EXPIRING: "Call about the session expiring",
    TodoEvent.CONTRACT_SIGNED: "Countersign the contract",
    TodoEvent.ALBUM_COMMENTS: "Answer the album comments",
    TodoEvent.ALBUM_APPROVED: "Send the approved album to print",
}


def todo_rules() -> list[TodoRule]:
    """Every event's rule, in the events' order; an event never set up is off."""
    saved = {r.event: r for r in TodoRule.objects.select_related("assigned_user", "assigned_group")}
    return [
        saved.get(event) or TodoRule(event=event, title=DEFAULT_TITLES[event])
        for event in TodoEvent
    ]


@transaction.atomic
def todo_rule_update(
    *,
    event: TodoEvent,
    enabled: bool,
    title: str,
    assigned_user: Any = None,
    assigned_group: Group | None = None,
    due_in_days: int = 1,
    days_before: int = 7,
) -> TodoRule:
    rule = TodoRule.objects.select_for_update().filter(event=event).first() or TodoRule(event=event)
    rule.enabled, rule.title = enabled, title or DEFAULT_TITLES[event]
    rule.assigned_user, rule.assigned_group = assigned_user, assigned_group
    rule.due_in_days, rule.days_before = due_in_days, days_before
    rule.full_clean()
    rule.save()
    if event == TodoEvent.SESSION_EXPIRING:
        TodoRule.objects.filter(pk=rule.pk).update(generation=F("generation") + 1, beat_id="")
        rule.refresh_from_db(fields=["generation", "beat_id"])
        if enabled:
            expiring_watch_start(generation=rule.generation)
    return rule
