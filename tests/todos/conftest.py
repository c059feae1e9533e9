"""Fixtures of the Tasks tests: the automatic tasks switched on. The desk connected to a
live gallery (``connected``, ``wedding``, ``sync``) is the synchronizer tests' own,
imported from there rather than copied."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from proofroom.studio.setup import OWNER_GROUP
from proofroom.studio.studios import Studio
from proofroom.studio.todos.models import TodoEvent, TodoRule
from proofroom.studio.todos.rules import todo_rule_update
from tests.sync.conftest import connected, sync, wedding  # noqa: F401 (fixtures)


@pytest.fixture
def automatic(studio: Studio) -> list[TodoRule]:
    """Every event makes a task for the Owner group, due in 2 days."""
    owners = Group.objects.get(name=OWNER_GROUP)
    return [
        todo_rule_update(
            event=event,
            enabled=True,
            title=f"Follow up ({event.value})",
            assigned_group=owners,
            due_in_days=2,
        )
        for event in TodoEvent
    ]
