"""Issue 14, "Must show": exactly one task per downloaded web order with two racing syncs,
on PostgreSQL (real threads, the sync's real HTTP hop; SQLite would serialise them).

The race that happens in the field: a sync stalls mid-download past its lease, is given
up, and the next sync starts while the first is still applying its page. The page's
tasks are written in the transaction that applies it, behind the cursor's row lock, and
``(event, source)`` is unique in the database, so the tasks are made once whichever
transaction gets there first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections, transaction

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.studio import downloads
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus
from proofroom.studio.todos.events import Occurrence, todos_for_occurrences
from proofroom.studio.todos.models import Todo, TodoEvent, TodoRule
from tests.conftest import needs_postgresql
from tests.sync.conftest import mark, wait_for
from tests.sync.test_feed_commit_order import fill_cart, place

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True, databases="__all__")]

ORDERS = [SyncKind.DOWNLOAD_ORDERS]


def in_a_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def studio_waits_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


def test_two_racing_syncs_make_one_task_per_downloaded_web_order(
    wedding, sync, automatic: list[TodoRule], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    event = OnlineSession.objects.select_related("price_list").get(uuid=wedding.uuid)
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    placed = []
    for n in range(3):
        fill_cart(ana, event, n)
        placed.append(place(ana, event))

    real = downloads.todos_for_changes
    first_inside, release = threading.Event(), threading.Event()

    def stalls_once(*, kind: str, page: list[dict[str, object]]) -> None:
        real(kind=kind, page=page)
        if page and not first_inside.is_set():
            first_inside.set()  # tasks written, the transaction not committed yet
            assert release.wait(60)

    monkeypatch.setattr(downloads, "todos_for_changes", stalls_once)
    runs: dict[str, SyncRun] = {}
    errors: list[BaseException] = []
    first = in_a_thread(lambda: runs.__setitem__("first", sync(ORDERS)), errors)
    try:
        assert first_inside.wait(60), errors
        # Its lease lapsed: it is given up, and the next sync may start beside it.
        SyncRun.objects.filter(status=SyncStatus.RUNNING).update(status=SyncStatus.FAILED)
        second = in_a_thread(lambda: runs.__setitem__("second", sync(ORDERS)), errors)
        wait_for(studio_waits_on_a_lock, "the second sync waits at the first's page")
    finally:
        release.set()
        first.join(120)
    second.join(120)
    assert not errors, errors
    assert runs["second"].status == SyncStatus.SUCCEEDED, runs["second"].log

    numbers = sorted(o.display_number for o in placed)
    assert sorted(Invoice.objects.values_list("web_order_number", flat=True)) == numbers
    todos = Todo.objects.filter(event=TodoEvent.WEB_ORDER)
    assert sorted(str(o.uuid) for o in placed) == sorted(todos.values_list("source_key", flat=True))
    assert {t.invoice.web_order_number for t in todos.select_related("invoice")} == set(numbers)


def test_the_database_keeps_one_task_when_two_transactions_make_it_at_once(
    automatic: list[TodoRule],
) -> None:
    """Without the cursor's lock (an event another issue wires), two transactions that
    both find no task and both insert it: the second waits on the unique index and
    inserts nothing."""
    rule = TodoRule.objects.get(event=TodoEvent.CONTRACT_SIGNED)
    occurrence = Occurrence(source_key="contract-42", subject="contract 42")
    inserted, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_writer() -> None:
        with transaction.atomic():
            todos_for_occurrences(rule=rule, occurrences=[occurrence])
            inserted.set()
            assert release.wait(60)

    def second_writer() -> None:
        with transaction.atomic():
            assert not Todo.objects.exists()  # it cannot see the first's insert yet
            todos_for_occurrences(rule=rule, occurrences=[occurrence])

    first = in_a_thread(first_writer, errors)
    assert inserted.wait(60), errors
    second = in_a_thread(second_writer, errors)
    try:
        wait_for(studio_waits_on_a_lock, "the second insert waits on the unique index")
    finally:
        release.set()
        first.join(60)
    second.join(60)
    assert not errors, errors
    assert Todo.objects.filter(source_key="contract-42").count() == 1
