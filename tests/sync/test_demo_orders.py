"""The demo publishes its online session over HTTP and leaves sample web orders to download."""

from __future__ import annotations

import io

import pytest

from proofroom import demo
from proofroom.gallery.store.models import Order
from proofroom.studio.invoices.models import Invoice, InvoiceLine
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("small_demo"),
]


@pytest.fixture(autouse=True)
def _fewer_photos(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most six photos per demo session: the orders need a few, not all."""
    fewer = [(*row[:5], min(row[5], 6), row[6]) for row in demo.DEMO_SESSIONS]
    monkeypatch.setattr(demo, "DEMO_SESSIONS", fewer)


def test_the_demo_has_sample_orders_that_download_as_invoices(live_server, sync) -> None:  # type: ignore[no-untyped-def]
    demo.demo_load(out=io.StringIO())
    demo.demo_connect_and_publish(base_url=live_server.url)
    published = SyncRun.objects.get(trigger="demo")
    if published.status == SyncStatus.QUEUED:  # a database task queue: run it here
        demo.demo_publish_and_order.call(published.pk)
    published.refresh_from_db()
    assert published.status == SyncStatus.SUCCEEDED, published.log
    assert Order.objects.count() == 3
    assert demo.demo_orders_place() == 0  # once only

    run = sync([SyncKind.DOWNLOAD_GUESTS, SyncKind.DOWNLOAD_ORDERS])
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert run.downloaded["order"] == 3
    numbers = set(Invoice.objects.values_list("web_order_number", flat=True))
    assert numbers == {order.display_number for order in Order.objects.all()}
    assert {i.status.name for i in Invoice.objects.select_related("status")} == {"Web Order Placed"}
    assert Invoice.objects.filter(client__email="grandma.park@example.com").count() == 1
    # Grandma's package: its pieces on her invoice, the two 8x10s from other photographs.
    pieces = InvoiceLine.objects.filter(
        invoice__client__email="grandma.park@example.com",
        description__startswith="In Wall & album package:",
    ).select_related("image")
    assert pieces.count() == 7 and all(piece.image is not None for piece in pieces)
    assert len({piece.image.file_name for piece in pieces if piece.image}) == 3
