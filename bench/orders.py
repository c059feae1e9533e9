"""Benchmark: the synchronizer's "Download Orders" over 10,000 web orders.

Run by hand from the project root:

    .venv/bin/python bench/orders.py [--orders 10000] [--page 200]

In one run, over loopback, with a fresh temporary data folder (SQLite files for both
sides): a real ``proofroom serve --no-worker`` subprocess is the gallery; this process is
the studio desk.  The gallery's change feed is filled with ``orders`` web orders (1-3
lines each, products and images of a real session, a third paid by card, a fifth placed
by guests who are not clients yet), written straight into the gallery's outbox so that
only the download is timed.

(a) read: the whole feed read over HTTP page by page (GET /changes), parsed into the
    wire models and thrown away -- the floor for any download;
(b) apply: ``sync_run_execute`` with Download Orders, for real: the same pages read,
    each applied in one studio transaction with its cursor (one invoice per order, its
    lines linked to the studio's products and images, online payments recorded), then
    acknowledged.

The download runs in three steps so the per-order cost can be compared when the desk
holds few invoices and many: the first 1,000 orders, then the next ``orders - 2,000``,
then the last 1,000 (with ``orders - 1,000`` invoices already there).  Database queries
are those of the studio database, counted with an execute wrapper.  The read is done
twice (before and after) and the best kept.  The last line is the summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from upload import _free_port, _start, _stop, _wait_until_up, bench_env  # noqa: E402


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _make_studio(gallery_url: str) -> dict[str, Any]:
    from proofroom.gallery.tenants import api_key_create, studio_create
    from proofroom.studio.clients import client_create
    from proofroom.studio.images import DerivativeStatus, Image
    from proofroom.studio.pricelists import pricelist_load_sample
    from proofroom.studio.sessions import SessionType, session_create
    from proofroom.studio.setup import desk_setup
    from proofroom.studio.studios import studio_get, studio_update

    desk_setup(studio_name="Bench Studio", email="studio@example.com")
    gallery_studio = studio_create(name="Bench Studio", email="studio@example.com")
    key = api_key_create(studio=gallery_studio, label="bench desk")
    desk = studio_get()
    assert desk is not None
    studio_update(studio=desk, gallery_url=gallery_url, gallery_api_key=key)
    price_list = pricelist_load_sample()
    kind = SessionType.objects.create(name="Wedding", web_price_list=price_list, days_active=30)
    clients = [
        client_create(first_name=f"Client{n}", last_name="Bench", email=f"c{n}@example.com")
        for n in range(50)
    ]
    session = session_create(
        client=clients[0], session_type=kind, date=dt.date(2026, 5, 16), description="Ana & Sam"
    )
    Image.objects.bulk_create(
        Image(
            session=session,
            file_name=f"IMG_{i + 1:04d}.jpg",
            position=i,
            sha256=f"{i:064x}",
            original_key="bench",
            size_bytes=1,
            format="jpeg",
            width=6000,
            height=4000,
            status=DerivativeStatus.READY,
        )
        for i in range(40)
    )
    return {
        "gallery_studio": gallery_studio,
        "session": session,
        "clients": clients,
        "products": list(price_list.products.all()),
        "images": list(Image.objects.filter(session=session)),
    }


def _fill_feed(made: dict[str, Any], start: int, count: int) -> None:
    """``count`` web orders appended to the gallery's outbox, as checkout writes them."""
    from proofroom.gallery.feed import Change, FeedCounter
    from proofroom.sync import protocol

    # The feed's sequence, taken as change_emit takes it (the bench writes alone).
    counter, _ = FeedCounter.objects.get_or_create(studio=made["gallery_studio"])
    first_seq = counter.last_seq + 1
    counter.last_seq += count
    counter.save(update_fields=["last_seq"])
    rng = random.Random(start)
    placed = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
    rows = []
    for n in range(start, start + count):
        lines = []
        for _ in range(rng.randint(1, 3)):
            product, image = rng.choice(made["products"]), rng.choice(made["images"])
            quantity = rng.randint(1, 3)
            lines.append(
                protocol.OrderLine(
                    uuid=uuid.uuid4(),
                    product=product.uuid,
                    name=product.name,
                    size=product.size,
                    category=product.category,
                    image=image.uuid,
                    image_file_name=image.file_name,
                    quantity=quantity,
                    unit_price=product.price,
                    total=product.price * quantity,
                )
            )
        subtotal = sum(line.total for line in lines)
        tax = (subtotal * 825 + 5000) // 10000
        guest = n % 5 == 0
        client = None if guest else rng.choice(made["clients"])
        order = protocol.OrderChange(
            uuid=uuid.uuid4(),
            number=f"B{n:07d}",
            session=made["session"].uuid,
            account=uuid.uuid4(),
            client=client.uuid if client else None,
            first_name=client.first_name if client else f"Guest{n}",
            last_name="Bench",
            email=client.email if client else f"guest{n}@example.com",
            placed_at=placed + dt.timedelta(seconds=n),
            currency="USD",
            lines=lines,
            subtotal=subtotal,
            tax=tax,
            shipping=0,
            total=subtotal + tax,
            delivery=protocol.Delivery.PICKUP,
        )
        if n % 3 == 0:
            order.payments = [
                protocol.OrderPayment(
                    uuid=uuid.uuid4(),
                    gateway="stripe",
                    reference=f"pi_bench_{n}",
                    amount=order.total,
                    currency="USD",
                    paid_at=order.placed_at,
                )
            ]
        rows.append(
            Change(
                studio=made["gallery_studio"],
                seq=first_seq + n - start,
                kind=protocol.ChangeKind.ORDER,
                payload=order.model_dump(mode="json"),
            )
        )
    Change.objects.bulk_create(rows, batch_size=500)


def _read(base: str, key: str, page: int) -> tuple[float, int]:
    """Read the whole order feed without applying it."""
    from proofroom.sync import protocol

    after, seen = 0, 0
    with httpx.Client(
        base_url=base + protocol.PREFIX,
        headers={"Authorization": f"Bearer {key}"},
        timeout=60.0,
    ) as http:
        http.get("/ping")
        start = time.perf_counter()
        while True:
            response = http.get(
                "/changes", params={"kinds": "order", "after": after, "limit": page}
            )
            response.raise_for_status()
            changes = protocol.ChangesPage.model_validate_json(response.content).changes
            if not changes:
                break
            for change in changes:
                protocol.OrderChange.model_validate(change.data)
            seen += len(changes)
            after = changes[-1].seq
        return time.perf_counter() - start, seen


def _download() -> tuple[float, int]:
    """Download Orders, for real; returns (seconds, studio queries)."""
    from django.db import connections

    from proofroom.studio.synchronizer.runner import sync_run_execute
    from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus

    record = SyncRun.objects.create(kinds=[SyncKind.DOWNLOAD_ORDERS], trigger="bench")
    counter = QueryCounter()
    with connections["default"].execute_wrapper(counter):
        start = time.perf_counter()
        run = sync_run_execute(run_id=record.pk)
        wall = time.perf_counter() - start
    if run.status != SyncStatus.SUCCEEDED:
        raise SystemExit(f"sync failed:\n{run.log}")
    return wall, counter.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--page", type=int, default=200, help="changes per page when reading")
    args = parser.parse_args()
    if args.orders < 3000:
        raise SystemExit("--orders must be at least 3000 (1,000 first, 1,000 last)")

    begun = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="proofroom-bench-orders-"))
    data_dir = tmp / "data"
    data_dir.mkdir()
    env = bench_env(data_dir)
    server = None
    try:
        subprocess.run(
            [sys.executable, "-m", "proofroom.cli", "migrate"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / "server.log"
        server = _start(
            [sys.executable, "-m", "proofroom.cli", "serve", "--no-worker", "--host",
             "127.0.0.1", "--port", str(port)],
            env, log,
        )  # fmt: skip
        for name in ("DATABASE_URL", "GALLERY_DATABASE_URL"):
            os.environ.pop(name, None)
        os.environ.update(env)
        import django

        django.setup()
        from proofroom.studio.invoices.models import Invoice, Payment
        from proofroom.studio.studios import studio_get

        made = _make_studio(base)
        start = time.perf_counter()
        _fill_feed(made, 0, args.orders)
        print(f"feed: {args.orders} web orders written in {time.perf_counter() - start:.1f} s")
        _wait_until_up(f"{base}/healthz", server, log, 60)
        desk = studio_get()
        assert desk is not None
        key = desk.gallery_api_key

        read_1, seen = _read(base, key, args.page)
        print(f"read    {read_1:6.2f} s  {seen} orders")
        # The download in three steps: a fake cursor stands for "the feed ends here".
        from proofroom.gallery.feed import Change

        seqs = list(
            Change.objects.filter(kind="order").order_by("seq").values_list("seq", flat=True)
        )
        parked = list(Change.objects.filter(seq__gt=seqs[999]).values_list("id", flat=True))
        steps = [(1000, seqs[999]), (args.orders - 2000, seqs[-1001]), (1000, seqs[-1])]
        results = []
        hidden_kind = "order-held"
        Change.objects.filter(id__in=parked).update(kind=hidden_kind)
        for count, upto in steps:
            Change.objects.filter(kind=hidden_kind, seq__lte=upto).update(kind="order")
            wall, queries = _download()
            results.append((count, wall, queries))
            print(
                f"apply   {wall:6.2f} s  {count} orders  {queries / count:.2f} queries/order  "
                f"({count / wall:.0f} orders/s; {Invoice.objects.count()} invoices now)",
                flush=True,
            )
        read_2, _ = _read(base, key, args.page)
        print(f"read    {read_2:6.2f} s  (again)")

        invoices = Invoice.objects.count()
        if invoices != args.orders:
            raise SystemExit(f"{invoices} invoices for {args.orders} orders")
        numbers = Invoice.objects.values("web_order_number").distinct().count()
        if numbers != args.orders:
            raise SystemExit(f"{numbers} distinct web order numbers for {args.orders} orders")
        paid = Payment.objects.filter(online=True).count()
        print(f"check: {invoices} invoices, {numbers} web order numbers, {paid} online payments")
        again, queries = _download()
        if Invoice.objects.count() != invoices:
            raise SystemExit("a second download made invoices again")
        print(f"rerun   {again:6.2f} s  nothing new ({queries} queries)")
    finally:
        _stop(server)
        shutil.rmtree(tmp, ignore_errors=True)

    read = min(read_1, read_2)
    apply_total = sum(wall for _, wall, _ in results)
    rate = args.orders / apply_total
    per_1k = apply_total / args.orders * 1000
    first_q = results[0][2] / results[0][0]
    last_q = results[-1][2] / results[-1][0]
    print(
        f"apply {apply_total:.2f} s for {args.orders} ({per_1k:.2f} s per 1,000); read "
        f"{read:.2f} s; load average {os.getloadavg()[0]:.1f}; total runtime "
        f"{time.perf_counter() - begun:.0f} s"
    )
    print(
        f"orders: {rate:.0f} per s; {first_q:.2f} queries/order at 1k and {last_q:.2f} at "
        f"{args.orders // 1000}k; apply/read {apply_total / read:.2f}×"
    )


if __name__ == "__main__":
    main()
