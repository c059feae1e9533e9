"""The desk's session uploader, Online tab, Reset Login, Synchronizer and Services panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client as Browser

from proofroom.cli import build_parser
from proofroom.gallery.accounts import Account, account_set_password
from proofroom.gallery.events import OnlineSession
from proofroom.studio.images import Image, Rating
from proofroom.studio.online import OnlineSettings
from proofroom.studio.synchronizer.cli import run_sync
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus
from tests.sync.conftest import days_from_today, mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_uploader_saves_the_choice_and_queues_a_sync(desk: Browser, wedding) -> None:  # type: ignore[no-untyped-def]
    images = list(Image.objects.filter(session=wedding).order_by("position"))
    Image.objects.filter(pk=images[0].pk).update(rating=Rating.NOT_SELECTED)
    Image.objects.filter(pk__in=[i.pk for i in images[1:]]).update(rating=Rating.UNDECIDED)
    Image.objects.filter(pk=images[1].pk).update(rating=Rating.SELECTED)
    page = desk.get(f"/desk/sessions/{wedding.number}/upload/").content.decode()
    assert "Online Groups" in page and "Session Info" in page and "ana@example.com" in page
    group = wedding.groups.get()
    response = desk.post(
        f"/desk/sessions/{wedding.number}/upload/",
        {
            "rating": ["selected"],
            "group": [group.pk],
            "image": [images[5].pk],
            "online_group": [group.pk],
            "days_active": 45,
            "price_list": wedding.session_type.web_price_list.pk,
            "event_type": "private",
            "event_code": "anasam",
            "event_description": "Ana & Sam, 16 November",
        },
    )
    run = SyncRun.objects.get()
    assert response["Location"] == f"/desk/sync/{run.pk}/"
    assert run.session_ids == [wedding.pk] and run.status == SyncStatus.QUEUED
    online = OnlineSettings.objects.get(session=wedding)
    in_group = set(group.images.values_list("pk", flat=True))
    assert (
        set(online.images.values_list("pk", flat=True)) == {images[1].pk, images[5].pk} | in_group
    )
    assert online.expire_date == days_from_today(45) and online.needs_upload
    assert wedding.groups.get().show_online


def test_private_event_without_code_is_refused(desk: Browser, wedding) -> None:  # type: ignore[no-untyped-def]
    response = desk.post(
        f"/desk/sessions/{wedding.number}/upload/",
        {"rating": ["selected"], "days_active": 30, "event_type": "private", "event_code": ""},
    )
    assert "A private event needs an event code." in response.content.decode()
    assert not OnlineSettings.objects.exists() and not SyncRun.objects.exists()


def test_nothing_chosen_is_refused(desk: Browser, wedding) -> None:  # type: ignore[no-untyped-def]
    response = desk.post(
        f"/desk/sessions/{wedding.number}/upload/", {"days_active": 30, "event_type": "none"}
    )
    assert "Choose at least one image to upload." in response.content.decode()


def test_extend_from_the_online_tab(desk: Browser, wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    url = f"/desk/sessions/{wedding.number}/online/extend/"
    past = desk.post(url, {"expire_date": days_from_today(-3).isoformat()})
    assert "Choose today or a later date." in past.content.decode()
    desk.post(url, {"expire_date": days_from_today(60).isoformat()})
    assert OnlineSettings.objects.get(session=wedding).needs_upload
    sync()
    assert OnlineSession.objects.get(uuid=wedding.uuid).expire_date == days_from_today(60)


def test_reset_login_puts_the_defaults_back_at_the_next_sync(desk: Browser, wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    account = Account.objects.get(client_uuid=wedding.client.uuid)
    account_set_password(account=account, password="a much better passphrase")
    account.username = "ana-sam"
    account.save()
    desk.post(f"/desk/clients/{wedding.client.pk}/reset-login/")
    sync()
    account.refresh_from_db()
    assert (account.username, account.must_set_password) == ("ana@example.com", True)


def test_synchronizer_page_starts_a_run_and_reports_live(desk: Browser, wedding) -> None:  # type: ignore[no-untyped-def]
    page = desk.get("/desk/sync/").content.decode()
    assert "Upload Sessions &amp; Images" in page and "Download Orders" in page
    response = desk.post("/desk/sync/", {"kind": ["sessions", "remove_expired"]})
    run = SyncRun.objects.get()
    assert run.kinds == ["sessions", "remove_expired"]
    status = desk.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert status["status"] == "queued" and status["finished"] is False


def test_services_panel_lists_expiring_and_expired_sessions(desk: Browser, wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    OnlineSettings.objects.filter(session=wedding).update(expire_date=days_from_today(3))
    home = desk.get("/desk/").content.decode()
    assert "expires within 7 days" in home and f"#{wedding.number}" in home
    OnlineSettings.objects.filter(session=wedding).update(expire_date=days_from_today(-1))
    home = desk.get("/desk/").content.decode()
    assert "past the expire date" in home and "/desk/sync/?remove_expired=1" in home
    assert (
        'value="remove_expired" checked'
        in desk.get("/desk/sync/?remove_expired=1").content.decode()
    )


def test_sync_command_prints_a_summary(wedding, capsys) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    args = build_parser().parse_args(["sync", "--sessions", "--clients", "--price-lists"])
    assert run_sync(args) == 0
    out = capsys.readouterr().out
    said = " ".join(out.split())  # the terminal wraps long lines
    assert "Done: 1 session, 1 price list, 1 client login uploaded; 12 image files sent" in said
    assert "online with 6 images" in out


def test_gallery_create_studio_prints_a_working_key_once(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROOFROOM_", "DATABASE_URL"))}
    env.update({"PROOFROOM_SIDE": "gallery", "PROOFROOM_DATA": str(tmp_path)})
    cli = [sys.executable, "-m", "proofroom.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [*cli, "gallery", "create-studio", "Lakeside Photo", "--email", "hi@lakeside.example"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "/s/lakeside-photo/" in made.stdout
    key = made.stdout.rsplit(": ", 1)[1].strip()
    assert key.startswith("prk_")
    check = subprocess.run(
        [
            *cli,
            "manage",
            "shell",
            "-c",
            "from proofroom.gallery.tenants import studio_for_api_key\n"
            f"print(studio_for_api_key('{key}'))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip().splitlines()[-1] == "Lakeside Photo"
