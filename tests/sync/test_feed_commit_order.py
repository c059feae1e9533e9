"""The change feed hands out its sequence in commit order (issue 13, defect 1).

On PostgreSQL transactions commit out of the order of their auto-increment ids: a sync
that saw a later order commit first used to move its cursor past an earlier one still
committing, and that order never became an invoice. These races run real threads
against PostgreSQL, with the sync's real HTTP hop.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connections

from proofroom.gallery.accounts import Account, account_guest_create
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.store.carts import cart_add, cart_for
from proofroom.gallery.store.history import order_view_state
from proofroom.gallery.store.models import Order
from proofroom.gallery.store.orders import order_place
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus
from tests.conftest import needs_postgresql
from tests.sync.conftest import mark, wait_for

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True, databases="__all__")]

ORDERS = [SyncKind.DOWNLOAD_ORDERS]
ADDRESS = {
    "street": "1820 Grand Ave",
    "city": "Saint Paul",
    "region": "MN",
    "postal_code": "55105",
    "country": "USA",
}


@pytest.fixture
def event(wedding, sync) -> OnlineSession:  # type: ignore[no-untyped-def]
    """The wedding online as a public event its guests order prints from."""
    mark(wedding, event_type="public", event_code="ANASAM")
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED, run.log
    return OnlineSession.objects.select_related("price_list").get(uuid=wedding.uuid)


def guests(session: OnlineSession, count: int) -> list[Account]:
    return [
        account_guest_create(
            studio_id=session.studio_id,
            first_name=f"Guest{n}",
            last_name="Lake",
            email=f"guest{n}@lake.example",
            password="lanterns-over-the-bay-7",
            session_uuid=session.uuid,
        )
        for n in range(count)
    ]


def fill_cart(account: Account, session: OnlineSession, n: int) -> None:
    images = list(OnlineImage.objects.filter(session=session).order_by("position"))
    prints = session.price_list.products.get(name="Print", size="5×7 in")  # type: ignore[union-attr]
    with atomic():
        cart_add(
            account=account,
            session=session,
            product_uuid=prints.uuid,
            image=images[n % len(images)],
            quantity=1 + n % 3,
        )


def place(account: Account, session: OnlineSession) -> Order:
    return order_place(
        cart=cart_for(account=account, session=session), delivery="ship", address=ADDRESS
    )


def in_a_thread(work: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def someone_waits_on_a_lock() -> bool:
    with connections[settings.GALLERY_DB].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


def invoiced() -> list[str]:
    return sorted(Invoice.objects.values_list("web_order_number", flat=True))


def test_a_sync_between_two_orders_never_passes_the_one_still_committing(event, sync) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 1: order A takes its place in the feed first and commits last;
    order B commits meanwhile; a sync runs in between. Both become one invoice each, and
    A's client is told "Received by the studio" only once the studio has it."""
    ann, ben = guests(event, 2)
    fill_cart(ann, event, 0)
    fill_cart(ben, event, 1)
    placed: dict[str, Order] = {}
    a_in_feed, a_may_commit, b_done = threading.Event(), threading.Event(), threading.Event()

    def order_a() -> None:
        with atomic():
            placed["A"] = place(ann, event)
            a_in_feed.set()
            a_may_commit.wait(60)

    def order_b() -> None:
        placed["B"] = place(ben, event)
        b_done.set()

    a = in_a_thread(order_a)
    try:
        assert a_in_feed.wait(60)
        b = in_a_thread(order_b)
        # B either committed (and the feed shows it) or waits behind A's place in the feed.
        wait_for(lambda: b_done.is_set() or someone_waits_on_a_lock(), "order B commits or waits")
        between = sync(ORDERS)
        assert between.status == SyncStatus.SUCCEEDED, between.log
    finally:
        a_may_commit.set()
        a.join(60)
    b.join(60)
    assert set(placed) == {"A", "B"}
    assert order_view_state(Order.objects.get(pk=placed["A"].pk)) != "received"

    after = sync(ORDERS)
    assert after.status == SyncStatus.SUCCEEDED, after.log
    assert invoiced() == sorted(o.display_number for o in placed.values())
    for order in placed.values():
        assert order_view_state(Order.objects.get(pk=order.pk)) == "received"


def test_fifty_orders_committing_in_shuffled_order_while_syncs_run_make_fifty_invoices(
    event, sync
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 1: 50 orders from ten guests in ten threads, each held open a
    shuffled while after it joined the feed, while the desk syncs over and over. Every
    order becomes exactly one invoice."""
    shoppers = guests(event, 10)
    pauses = [n / 1000 for n in range(50)]  # 0 to 49 ms between the feed and the commit
    random.Random(13).shuffle(pauses)
    placed: list[str] = []
    errors: list[BaseException] = []
    runs: list[SyncRun] = []
    shopping_done = threading.Event()

    def shop(account: Account, waits: list[float]) -> None:
        try:
            for n, pause in enumerate(waits):
                fill_cart(account, event, n)
                with atomic():
                    order = place(account, event)
                    time.sleep(pause)
                placed.append(order.display_number)
        except BaseException as exc:
            errors.append(exc)
            raise

    def keep_syncing() -> None:
        while not shopping_done.is_set():
            runs.append(sync(ORDERS))

    syncer = in_a_thread(keep_syncing)
    threads = [
        in_a_thread(lambda a=account, w=pauses[n::10]: shop(a, w))  # type: ignore[misc]
        for n, account in enumerate(shoppers)
    ]
    for thread in threads:
        thread.join(120)
    shopping_done.set()
    syncer.join(120)
    assert not errors, errors
    assert len(placed) == 50
    assert runs and all(run.status == SyncStatus.SUCCEEDED for run in runs), runs[-1].log

    final = sync(ORDERS)
    assert final.status == SyncStatus.SUCCEEDED, final.log
    assert invoiced() == sorted(placed)  # every order once, none lost, none twice
