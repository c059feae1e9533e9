"""Issue 18, point 7: the uploader leaves out, one by one, images a rating or group chose.

The left-out image is not uploaded (over a real HTTP sync to a live gallery), and the
uploader opened again shows it left out, so sending the page again keeps it out.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser

from proofroom.studio.images import Image
from proofroom.studio.online import OnlineSettings
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runner import sync_run_execute
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus
from tests.sync.conftest import online_images

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _ticked(page: str, name: str) -> set[str]:
    ticked = rf'<input type="checkbox" name="{name}" value="([^"]+)" checked'
    return {m.group(1) for m in re.finditer(ticked, page)}


def _upload(desk: Browser, session: Session, **choice: object) -> SyncRun:
    form = {
        "days_active": "30",
        "price_list": str(session.session_type.web_price_list.pk),
        "event_type": "none",
        "event_code": "",
        "event_description": "",
        **choice,
    }
    response = desk.post(f"/desk/sessions/{session.number}/upload/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = SyncRun.objects.get(status=SyncStatus.QUEUED)
    return sync_run_execute(run_id=run.pk)


def test_an_image_left_out_is_not_uploaded_and_stays_left_out(
    desk: Browser, wedding: Session
) -> None:
    images = list(Image.objects.filter(session=wedding).order_by("position"))
    group = wedding.groups.get()
    in_group = [i for i in images if group.images.filter(pk=i.pk).exists()]
    by_rating, by_group = images[5], in_group[0]  # every image is Selected

    run = _upload(
        desk,
        wedding,
        rating=["selected"],
        group=[str(group.pk)],
        leave_out=[str(by_rating.pk), str(by_group.pk)],
    )
    assert run.status == SyncStatus.SUCCEEDED, run.log
    kept = {i.uuid for i in images} - {by_rating.uuid, by_group.uuid}
    assert {i.uuid for i in online_images(wedding)} == kept
    assert "online with 4 images" in run.log
    online = OnlineSettings.objects.get(session=wedding)
    assert online.images.count() == 4

    page = desk.get(f"/desk/sessions/{wedding.number}/upload/").content.decode()
    assert _ticked(page, "leave_out") == {str(by_rating.pk), str(by_group.pk)}
    assert _ticked(page, "image") == {str(i.pk) for i in images} - {
        str(by_rating.pk),
        str(by_group.pk),
    }
    assert f'aria-label="Leave out {by_rating.file_name}"' in page

    # Sent again as it opened, now with the rating ticked too: still left out.
    again = _upload(
        desk,
        wedding,
        rating=["selected"],
        image=sorted(_ticked(page, "image")),
        leave_out=sorted(_ticked(page, "leave_out")),
    )
    assert again.status == SyncStatus.SUCCEEDED, again.log
    assert {i.uuid for i in online_images(wedding)} == kept

    # Taken back in one by one: no longer left out.
    back = _upload(desk, wedding, rating=["selected"], leave_out=[str(by_group.pk)])
    assert back.status == SyncStatus.SUCCEEDED, back.log
    assert {i.uuid for i in online_images(wedding)} == kept | {by_rating.uuid}
    page = desk.get(f"/desk/sessions/{wedding.number}/upload/").content.decode()
    assert _ticked(page, "leave_out") == {str(by_group.pk)}


def test_leaving_out_every_chosen_image_uploads_nothing(desk: Browser, wedding: Session) -> None:
    images = Image.objects.filter(session=wedding)
    page = desk.post(
        f"/desk/sessions/{wedding.number}/upload/",
        {
            "rating": ["selected"],
            "leave_out": [str(i.pk) for i in images],
            "days_active": "30",
            "event_type": "none",
        },
    ).content.decode()
    assert "Choose at least one image to upload." in page
    assert not OnlineSettings.objects.exists() and not SyncRun.objects.exists()
    assert len(_ticked(page, "leave_out")) == images.count()
