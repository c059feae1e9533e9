"""Issue 14, point 5: the demo sets up automatic tasks for web orders, so that its sample
orders, once downloaded, give the owner tasks."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User

from proofroom import demo
from proofroom.gallery.store.models import Order
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus
from proofroom.studio.todos.models import Todo, TodoEvent
from proofroom.studio.todos.selectors import todos_mine

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("small_demo"),
]


@pytest.fixture(autouse=True)
def _fewer_photos(monkeypatch: pytest.MonkeyPatch) -> None:
    fewer = [(*row[:5], min(row[5], 6), row[6]) for row in demo.DEMO_SESSIONS]
    monkeypatch.setattr(demo, "DEMO_SESSIONS", fewer)


def test_the_demos_downloaded_orders_give_the_owner_tasks(live_server, sync) -> None:  # type: ignore[no-untyped-def]
    demo.demo_load(out=io.StringIO())
    demo.demo_load(out=io.StringIO())  # a second run keeps the owner's own settings
    demo.demo_connect_and_publish(base_url=live_server.url)
    published = SyncRun.objects.get(trigger="demo")
    if published.status == SyncStatus.QUEUED:  # a database task queue: run it here
        demo.demo_publish_and_order.call(published.pk)

    run = sync([SyncKind.DOWNLOAD_GUESTS, SyncKind.DOWNLOAD_ORDERS])
    assert run.status == SyncStatus.SUCCEEDED, run.log
    owner = User.objects.get(username=demo.DEMO_OWNER)
    mine = list(todos_mine(user=owner))
    assert len(mine) == Order.objects.count() == 3
    assert {t.event for t in mine} == {TodoEvent.WEB_ORDER}
    assert all(t.invoice is not None and t.due_date is not None for t in mine)
    assert Todo.objects.count() == 3
