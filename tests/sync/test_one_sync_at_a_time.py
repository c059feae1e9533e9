"""One sync at a time, under a lease that a killed sync lets lapse (issue 13, defects 3 and 5).

A second Start Sync, `proofroom sync` or scheduled beat while a sync is live is refused
with a message that names it. A sync whose process died stays live only until its
lease lapses; then it is shown failed and the next sync, started or scheduled, runs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from django.db import connections, transaction
from django.test import Client as Browser
from django.utils import timezone

from proofroom.cli import build_parser
from proofroom.gallery.accounts import Account
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.store.carts import cart_add, cart_for
from proofroom.gallery.store.orders import order_place
from proofroom.studio.downloads import DownloadCursor
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.synchronizer.cli import BUSY, run_sync
from proofroom.studio.synchronizer.runs import (
    SyncRun,
    SyncStatus,
    sync_claim,
    sync_runs_expire,
)
from proofroom.studio.synchronizer.schedule import auto_sync_configure
from tests.conftest import needs_postgresql
from tests.sync.conftest import mark, wait_for
from tests.sync.test_scheduled_sync import run_worker_once

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

needs_a_database_server = pytest.mark.skipif(
    connections["default"].vendor != "postgresql",
    reason="the `proofroom sync` process killed here must open the test database, "
    "and SQLite test databases live in this process's memory; run with DATABASE_URL=postgres://…",
)


def left_running(trigger: str = "desk", *, lapsed: bool = True) -> SyncRun:
    """A run whose process was killed: still marked running, its lease lapsed (or not yet)."""
    run = sync_claim(kinds=["favourites"], trigger=trigger)
    started = timezone.now() - dt.timedelta(minutes=20)
    lease = timezone.now() + dt.timedelta(minutes=-1 if lapsed else 5)
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncStatus.RUNNING, started_at=started, lease_until=lease
    )
    return run


def test_a_killed_sync_whose_lease_lapsed_is_shown_failed_and_start_sync_runs_again(
    desk: Browser, wedding
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 5: a run left "running" by a dead process no longer blocks syncing."""
    dead = left_running()
    page = desk.get("/desk/sync/").content.decode()
    assert "A sync is running" not in page
    report = desk.get(f"/desk/sync/{dead.pk}/", HTTP_ACCEPT="application/json").json()
    assert report["status"] == "failed" and report["finished"] is True
    assert "its process ended without finishing" in report["log"]

    started = desk.post("/desk/sync/", {"kind": ["favourites"]})
    run = SyncRun.objects.exclude(pk=dead.pk).get()
    assert started["Location"] == f"/desk/sync/{run.pk}/"
    run_worker_once()
    run.refresh_from_db()
    assert run.status == SyncStatus.SUCCEEDED, run.log


def test_a_sync_given_up_while_it_stalled_stops_before_its_next_request(
    wedding, sync, settings
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 5: a sync that went silent past its lease was marked failed (so
    another may run); when it wakes up it stops instead of running beside the next one."""
    settings.SYNC_LEASE_SECONDS = 0  # any moment after a sign of life is past the lease
    mark(wedding)

    class DeskLooksMeanwhile(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/ping"):
                sync_runs_expire()
            return super().handle_request(request)

    run = sync(transport=DeskLooksMeanwhile())
    assert run.status == SyncStatus.FAILED
    assert "went silent past its lease and was given up" in run.log
    assert not OnlineSession.objects.filter(uuid=wedding.uuid).exists()  # nothing more sent


def test_the_automatic_sync_runs_again_after_a_killed_scheduled_sync(wedding) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 5: the scheduler is not stopped for good by one killed run."""
    dead = left_running("schedule")
    auto_sync_configure(minutes=15, kinds=["favourites"])
    run_worker_once()
    dead.refresh_from_db()
    assert dead.status == SyncStatus.FAILED
    beat = SyncRun.objects.exclude(pk=dead.pk).get(trigger="schedule")
    assert beat.status == SyncStatus.SUCCEEDED, beat.log


def test_a_second_sync_while_one_is_live_is_refused_on_the_desk_the_cli_and_the_schedule(
    desk: Browser, wedding, capsys
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 3: two syncs at once both sent every derivative; now the second
    one is refused, with a message saying which sync is live."""
    first = desk.post("/desk/sync/", {"kind": ["sessions", "favourites"]})
    live = SyncRun.objects.get()
    assert first["Location"] == f"/desk/sync/{live.pk}/"

    second = desk.post("/desk/sync/", {"kind": ["sessions"]}).content.decode()
    assert "Another sync is waiting for the background worker" in second
    assert "by Alice" in second and "Only one sync runs at a time" in second

    assert run_sync(build_parser().parse_args(["sync", "--orders"])) == BUSY
    assert "Not started: Another sync is waiting" in capsys.readouterr().err

    SyncRun.objects.filter(pk=live.pk).update(status=SyncStatus.RUNNING)  # a worker has it
    auto_sync_configure(minutes=15, kinds=["favourites"])
    run_worker_once()  # the scheduled beat finds it running and skips this time
    assert list(SyncRun.objects.all()) == [live]

    uploader = desk.post(
        f"/desk/sessions/{wedding.number}/upload/",
        {"rating": ["selected"], "days_active": 30, "event_type": "none"},
        follow=True,
    ).content.decode()
    assert "is marked for upload with the next sync" in uploader
    assert "Another sync is running" in uploader
    assert list(SyncRun.objects.all()) == [live]


@needs_postgresql
def test_start_sync_posted_at_the_same_moment_gives_one_run(
    desk: Browser, wedding, live_server
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defects 3 and 5: eight Start Sync posts racing over HTTP make one run."""
    cookies = {name: morsel.value for name, morsel in desk.cookies.items()}
    with httpx.Client(base_url=live_server.url, cookies=cookies) as browser:
        page = browser.get("/desk/sync/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        cookies.update(browser.cookies)
    barrier = threading.Barrier(8)
    answers: list[httpx.Response] = []

    def press_start() -> None:
        with httpx.Client(base_url=live_server.url, cookies=cookies, timeout=60) as browser:
            barrier.wait()
            answers.append(
                browser.post(
                    "/desk/sync/",
                    data={"csrfmiddlewaretoken": token.group(1), "kind": "favourites"},
                )
            )

    threads = [threading.Thread(target=press_start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.status_code for a in answers) == [200] * 7 + [302]
    for answer in answers:
        if answer.status_code == 200:
            assert "Only one sync runs at a time" in answer.text
    run = SyncRun.objects.get()
    assert [a.headers["Location"] for a in answers if a.status_code == 302] == [
        f"/desk/sync/{run.pk}/"
    ]


@needs_a_database_server
def test_a_sync_process_killed_mid_run_is_failed_when_its_lease_lapses_and_the_next_runs(
    desk: Browser, wedding, sync, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 5: `proofroom sync` SIGKILLed while it downloads an order. Its run
    is shown failed once its lease lapses; the next Start Sync makes the order one invoice."""
    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    session = OnlineSession.objects.select_related("price_list").get(uuid=wedding.uuid)
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    prints = session.price_list.products.get(name="Print", size="5×7 in")  # type: ignore[union-attr]
    with atomic():
        cart_add(
            account=ana,
            session=session,
            product_uuid=prints.uuid,
            image=OnlineImage.objects.filter(session=session).first(),  # type: ignore[arg-type]
            quantity=2,
        )
        order = order_place(cart=cart_for(account=ana, session=session), delivery="pickup")
    DownloadCursor.objects.get_or_create(kind="order")

    db = connections["default"].settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROOFROOM_", "DATABASE"))}
    env.update(
        {
            "PROOFROOM_DATA": str(tmp_path),
            "PROOFROOM_SIDE": "studio",
            "PROOFROOM_SYNC_LEASE_SECONDS": "2",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        }
    )
    with transaction.atomic():
        # Hold the order cursor, so the sync stops in the middle of its download.
        DownloadCursor.objects.select_for_update().get(kind="order")
        process = subprocess.Popen(
            [sys.executable, "-m", "proofroom.cli", "sync", "--orders"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(
                lambda: SyncRun.objects.filter(trigger="cli", step="Download Orders").exists(),
                "the sync reaches Download Orders",
            )
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
    killed = SyncRun.objects.get(trigger="cli")
    assert killed.status == SyncStatus.RUNNING and not Invoice.objects.exists()

    wait_for(
        lambda: "A sync is running" not in desk.get("/desk/sync/").content.decode(),
        "the killed sync's lease lapses",
    )
    report = desk.get(f"/desk/sync/{killed.pk}/", HTTP_ACCEPT="application/json").json()
    assert report["status"] == "failed" and "its process ended" in report["log"]

    desk.post("/desk/sync/", {"kind": ["order"]})
    run_worker_once()
    # The newest run the desk started (the first upload above was the desk's too).
    again = SyncRun.objects.filter(trigger="desk").latest("created_at")
    assert again.status == SyncStatus.SUCCEEDED, again.log
    assert list(Invoice.objects.values_list("web_order_number", flat=True)) == [
        order.display_number
    ]
