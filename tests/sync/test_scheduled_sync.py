"""The automatic sync (the seed's Control Center): run by the background worker on a schedule."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client as Browser
from django_tasks_db.models import DBTaskResult

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineImage
from proofroom.gallery.selections import favourite_set
from proofroom.studio.downloads import ONLINE_FAVOURITES, YearbookSettings
from proofroom.studio.images import ImageGroup
from proofroom.studio.studios import studio_get
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus
from proofroom.studio.synchronizer.schedule import auto_sync_configure
from tests.sync.conftest import days_from_today, mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def run_worker_once() -> None:
    """What `proofroom worker` does, until the queue has nothing ready."""
    call_command("db_worker", batch=True, interval=0, queue_name="*", verbosity=0)


def test_scheduled_sync_runs_from_the_worker_and_records_its_result(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    for image in OnlineImage.objects.filter(session__uuid=wedding.uuid)[:2]:
        favourite_set(account=ana, image=image, on=True)

    auto_sync_configure(minutes=15, kinds=["favourites", "guest", "yearbook"])
    run_worker_once()

    run = SyncRun.objects.get(trigger="schedule")
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert run.downloaded == {"favourites": 2, "guest": 0, "yearbook": 0}
    group = ImageGroup.objects.get(session=wedding, name=ONLINE_FAVOURITES)
    assert group.images.count() == 2
    booked = DBTaskResult.objects.filter(task_path__endswith="sync_tick", status="READY")
    assert booked.count() == 1  # the next beat, a quarter of an hour from now
    nxt = booked.get()
    assert nxt.run_after is not None and (nxt.run_after - run.created_at).total_seconds() > 14 * 60


def test_turning_it_off_stops_the_booked_beat(wedding) -> None:  # type: ignore[no-untyped-def]
    auto_sync_configure(minutes=10, kinds=["favourites"])
    auto_sync_configure(minutes=0, kinds=[])
    run_worker_once()
    assert not SyncRun.objects.exists()
    assert studio_get().auto_sync_minutes == 0  # type: ignore[union-attr]


def test_settings_page_sets_the_schedule_and_home_shows_the_last_run(
    client: Browser, owner, wedding
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    client.post(
        "/desk/settings/auto-sync/",
        {"minutes": 30, "kinds": ["sessions", "favourites"]},
    )
    studio = studio_get()
    assert studio is not None
    assert (studio.auto_sync_minutes, studio.auto_sync_kinds) == (30, ["sessions", "favourites"])
    run_worker_once()
    home = client.get("/desk/").content.decode()
    assert "Every 30 minutes." in home and "Last ran" in home


def test_yearbook_is_turned_on_from_the_online_tab(client: Browser, owner, wedding, sync) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    mark(wedding)
    sync()
    url = f"/desk/sessions/{wedding.number}/online/yearbook/"
    refused = client.post(url, {"enabled": "on", "deadline": ""})
    assert "Give the last day the client may choose." in refused.content.decode()
    client.post(url, {"enabled": "on", "deadline": days_from_today(10).isoformat()})
    assert YearbookSettings.objects.get(session=wedding).deadline == days_from_today(10)
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED
    from proofroom.gallery.events import OnlineSession

    assert OnlineSession.objects.get(uuid=wedding.uuid).yearbook_deadline == days_from_today(10)
