"""Issue 14, point 4: automatic tasks, one per event, even when a sync is cut and run again.

Each downloaded change kind is applied as the synchronizer applies it (``changes_apply``,
a page and its cursor in one transaction); a sync killed before it commits leaves no task,
and its rerun makes exactly one; a change read again, or emitted again under a later
sequence, makes none more.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from proofroom.studio.downloads import changes_apply, yearbook_configure
from proofroom.studio.images import Image
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.invoices.services import invoice_create
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.sessions import Session
from proofroom.studio.setup import OWNER_GROUP
from proofroom.studio.todos.events import todo_for_event, todos_for_expiring_sessions
from proofroom.studio.todos.jobs import todos_expiring_tick
from proofroom.studio.todos.models import Todo, TodoEvent, TodoRule
from proofroom.studio.todos.rules import todo_rule_update
from proofroom.sync import protocol
from tests.factories import make_images, make_price_list, web_order

pytestmark = pytest.mark.django_db


class Killed(Exception):
    """The sync's process dies after the page was applied, before the commit."""


def _order(session: Session, images: list[Image]) -> dict[str, object]:
    product = make_price_list().products.order_by("pk").first()
    assert product is not None
    order = web_order(
        session=session,
        client=session.client,
        lines=[(product, images[0], 1)],
        first_name="Ana",
        last_name="Souza",
    )
    return order.model_dump(mode="json")


def _favourites(session: Session, images: list[Image]) -> dict[str, object]:
    return protocol.FavouritesChange(
        session=session.uuid, account=uuid.uuid4(), images=[i.uuid for i in images[:2]]
    ).model_dump(mode="json")


def _guest(session: Session, images: list[Image]) -> dict[str, object]:
    return protocol.GuestChange(
        account=uuid.uuid4(),
        first_name="Mia",
        last_name="Lund",
        email="mia@lund.example",
        session=session.uuid,
    ).model_dump(mode="json")


def _yearbook(session: Session, images: list[Image]) -> dict[str, object]:
    yearbook_configure(session=session, deadline=dt.date(2027, 1, 31), eligible_group=None)
    return protocol.YearbookChange(
        session=session.uuid, image=images[1].uuid, picked_at=timezone.now()
    ).model_dump(mode="json")


def _prepaid(session: Session, images: list[Image]) -> dict[str, object]:
    invoice = invoice_create(client=session.client, session=session)
    return protocol.PrepaidChange(
        order=invoice.uuid, submitted_at=timezone.now(), picks=[]
    ).model_dump(mode="json")


CHANGES: dict[str, tuple[TodoEvent, Callable[[Session, list[Image]], dict[str, object]]]] = {
    protocol.ChangeKind.ORDER: (TodoEvent.WEB_ORDER, _order),
    protocol.ChangeKind.FAVOURITES: (TodoEvent.FAVOURITES, _favourites),
    protocol.ChangeKind.GUEST: (TodoEvent.GUEST, _guest),
    protocol.ChangeKind.YEARBOOK: (TodoEvent.YEARBOOK, _yearbook),
    protocol.ChangeKind.PREPAID: (TodoEvent.PREPAID, _prepaid),
}


def _page(kind: str, seq: int, data: dict[str, object]) -> protocol.ChangesPage:
    change = protocol.Change(seq=seq, kind=kind, at=timezone.now(), data=data)
    return protocol.ChangesPage(changes=[change], head=seq)


@pytest.mark.parametrize("kind", list(CHANGES))
def test_each_event_makes_one_task_after_a_cut_sync_is_run_again(
    kind: str, automatic: list[TodoRule], session: Session
) -> None:
    event, change_of = CHANGES[kind]
    images = make_images(session, 3)
    page = _page(kind, 7, change_of(session, images))

    with pytest.raises(Killed), transaction.atomic():
        changes_apply(kind=kind, page=page)
        assert Todo.objects.filter(event=event).count() == 1  # written with the page...
        raise Killed
    assert not Todo.objects.exists()  # ...and rolled back with it and its cursor

    assert changes_apply(kind=kind, page=page) == (1, 7)  # the rerun
    assert changes_apply(kind=kind, page=page) == (0, 7)  # read again: skipped
    again = page.changes[0].model_copy(update={"seq": 8})  # emitted again, a later sequence
    changes_apply(kind=kind, page=protocol.ChangesPage(changes=[again], head=8))

    todo = Todo.objects.select_related("assigned_group").get()
    assert todo.event == event
    assert todo.title.startswith(f"Follow up ({event.value}): ")
    assert todo.assigned_group == Group.objects.get(name=OWNER_GROUP)
    assert todo.due_date is not None and todo.completed_at is None
    if kind != protocol.ChangeKind.GUEST:
        assert todo.session == session and todo.client == session.client
    else:
        assert todo.client is not None and todo.client.email == "mia@lund.example"


def test_a_web_order_task_links_its_invoice_and_names_the_order(
    automatic: list[TodoRule], session: Session
) -> None:
    data = _order(session, make_images(session, 1))
    changes_apply(kind="order", page=_page("order", 1, data))
    todo = Todo.objects.get()
    invoice = Invoice.objects.get()
    assert todo.invoice == invoice and todo.client == invoice.client
    assert todo.title == "Follow up (web_order): web order K7MQ-2XDA (Ana Souza)"


def test_an_event_switched_off_makes_no_task(studio: object, session: Session) -> None:
    todo_rule_update(event=TodoEvent.WEB_ORDER, enabled=False, title="")
    changes_apply(kind="order", page=_page("order", 1, _order(session, make_images(session, 1))))
    assert Invoice.objects.count() == 1
    assert not Todo.objects.exists()


def test_a_rule_for_a_staff_member_assigns_them_with_the_days_until_due(
    owner: User, session: Session
) -> None:
    todo_rule_update(
        event=TodoEvent.FAVOURITES, enabled=True, title="Call", assigned_user=owner, due_in_days=5
    )
    data = _favourites(session, make_images(session, 2))
    changes_apply(kind="favourites", page=_page("favourites", 1, data))
    todo = Todo.objects.get()
    assert todo.assigned_user == owner and todo.assigned_group is None
    from proofroom.studio.dates import studio_today

    assert todo.due_date == studio_today() + dt.timedelta(days=5)


def test_events_of_later_issues_make_their_task_once(
    automatic: list[TodoRule], session: Session
) -> None:
    for _ in range(2):
        todo_for_event(
            event=TodoEvent.CONTRACT_SIGNED,
            source_key="contract-1",
            subject="contract of #1",
            session=session,
        )
    todo = Todo.objects.get()
    assert todo.client == session.client


def _online(session: Session, expire: dt.date, state: str = OnlineState.ONLINE) -> OnlineSettings:
    return OnlineSettings.objects.create(session=session, expire_date=expire, state=state)


def test_a_session_expiring_makes_one_task_and_an_extension_another(
    automatic: list[TodoRule], session: Session
) -> None:
    """Issue 14: N days before the expire date, once per session and expire date; a
    session taken down, or expiring later, gets none."""
    from proofroom.studio.dates import studio_today
    from tests.factories import make_session

    today = studio_today()
    online = _online(session, today + dt.timedelta(days=5))
    _online(make_session(description="later"), today + dt.timedelta(days=30))
    _online(make_session(description="down"), today + dt.timedelta(days=2), OnlineState.REMOVED)

    todos_for_expiring_sessions()
    todos_for_expiring_sessions()
    todo = Todo.objects.get()
    assert todo.session == session and todo.event == TodoEvent.SESSION_EXPIRING
    assert todo.due_date == today + dt.timedelta(days=2)  # due_in_days, before the expiry

    online.expire_date = today + dt.timedelta(days=6)  # extended, still within the 7 days
    online.save()
    todos_for_expiring_sessions()
    assert Todo.objects.filter(session=session).count() == 2


def test_the_expiring_job_runs_for_the_newest_rule_only(
    automatic: list[TodoRule], session: Session
) -> None:
    from proofroom.studio.dates import studio_today

    _online(session, studio_today() + dt.timedelta(days=1))
    rule = TodoRule.objects.get(event=TodoEvent.SESSION_EXPIRING)
    assert todos_expiring_tick.call(rule.generation - 1) == "stopped"
    assert not Todo.objects.exists()
    assert todos_expiring_tick.call(rule.generation) == "looked"
    assert Todo.objects.get().due_date == studio_today() + dt.timedelta(days=1)
    booked = DBTaskResult.objects.get(task_path__endswith="todos_expiring_tick", status="READY")
    assert booked.args_kwargs["args"] == [rule.generation]
    assert booked.run_after is not None and booked.run_after > timezone.now() + dt.timedelta(
        minutes=50
    )


def _queries_for_a_page_of_orders(session: Session, count: int, first_seq: int) -> int:
    product = make_price_list(f"Prices {first_seq}").products.order_by("pk").first()
    assert product is not None
    (image,) = make_images(session, 1)
    changes = [
        protocol.Change(
            seq=first_seq + n,
            kind="order",
            at=timezone.now(),
            data=web_order(
                session=session,
                client=session.client,
                number=f"Q{first_seq + n:03d}-XYZW",
                lines=[(product, image, 1)],
            ).model_dump(mode="json"),
        )
        for n in range(count)
    ]
    page = protocol.ChangesPage(changes=changes, head=changes[-1].seq)
    with CaptureQueriesContext(connection) as queries:
        changes_apply(kind="order", page=page)
    return len(queries)


def test_a_pages_tasks_take_a_fixed_number_of_queries(
    automatic: list[TodoRule], session: Session
) -> None:
    """The tasks of a page of web orders cost the same queries for 2 orders or 20."""
    _queries_for_a_page_of_orders(session, 1, 1)  # the first page makes the cursor
    few = _queries_for_a_page_of_orders(session, 2, 10)
    many = _queries_for_a_page_of_orders(session, 20, 100)
    assert few == many
    assert Todo.objects.count() == 23
