"""The yearbook pose: the session's client picks one eligible image and may change it until
the deadline; after it the pick is locked, shown as such, and a late pick is refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.feed import Change
from proofroom.gallery.selections import YearbookPick
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import ChangeKind, EventType
from tests.cast import JSON, Published, event, make_guest, publish, sign_in

pytestmark = pytest.mark.django_db

CLOSED = "The yearbook selection closed on {:%-d %B %Y}."


def open_yearbook(published: Published, *, days: int = 14, eligible: int = 6) -> dt.date:
    deadline = dt.date.today() + dt.timedelta(days=days)
    OnlineSession.objects.filter(pk=published.session.pk).update(
        yearbook_deadline=deadline,
        yearbook_images=[str(i.uuid) for i in published.images[:eligible]],
    )
    return deadline


def pick(client: Client, published: Published, n: int, **extra: str) -> Any:
    url = f"{event(published)}yearbook/"
    return client.post(url, {"image": str(published.images[n].uuid), **extra}, headers=JSON)


def picked(published: Published) -> str:
    return YearbookPick.objects.get(session=published.session).image.file_name


def test_the_client_sees_the_panel_the_eligible_poses_and_the_deadline(
    viewer: Client, published: Published
) -> None:
    deadline = open_yearbook(published)
    body = viewer.get(event(published)).content.decode()
    assert "Yearbook pose" in body
    assert f'You can change it until <time datetime="{deadline:%Y-%m-%d}">' in body
    assert f"{deadline.day} {deadline:%B %Y}" in body
    assert "Show the 6 poses" in body and body.count('data-eligible="1"') == 6
    poses = viewer.get(f"{event(published)}?yearbook=1").content.decode()
    assert re.findall(r'data-name="(IMG_\d+\.jpg)"><img', poses) == [
        f"IMG_{n:04d}.jpg" for n in range(1, 7)
    ]


def test_the_client_picks_and_changes_the_pose_before_the_deadline(
    viewer: Client, published: Published
) -> None:
    deadline = open_yearbook(published)
    first = pick(viewer, published, 2)
    assert first.status_code == 200
    assert first.json()["message"] == (
        f"IMG_0003.jpg is your yearbook pose. You can change it until "
        f"{deadline.day} {deadline:%B %Y}."
    )
    assert picked(published) == "IMG_0003.jpg"
    pick(viewer, published, 4)
    assert picked(published) == "IMG_0005.jpg"
    assert YearbookPick.objects.count() == 1
    body = viewer.get(event(published)).content.decode()
    assert '<strong id="yb-name">IMG_0005.jpg</strong>' in body
    assert body.count('class="pick-badge"') == 1
    changes = Change.objects.filter(kind=ChangeKind.YEARBOOK).order_by("id")
    assert [c.payload["image"] for c in changes] == [
        str(published.images[2].uuid),
        str(published.images[4].uuid),
    ]


def test_without_javascript_the_image_page_has_the_choose_button(
    viewer: Client, published: Published
) -> None:
    open_yearbook(published)
    url = f"{event(published)}i/{published.images[1].uuid}/"
    assert "Choose as yearbook pose" in viewer.get(url).content.decode()
    ineligible = f"{event(published)}i/{published.images[8].uuid}/"
    assert "Choose as yearbook pose" not in viewer.get(ineligible).content.decode()
    done = viewer.post(
        f"{event(published)}yearbook/", {"image": published.images[1].uuid, "next": url}
    )
    assert done.status_code == 302 and done["Location"] == url
    page = viewer.get(url).content.decode()
    assert "IMG_0002.jpg is your yearbook pose." in page and "Your yearbook pose" in page


def test_after_the_deadline_the_pick_is_locked_and_a_late_pick_refused(
    viewer: Client, published: Published
) -> None:
    open_yearbook(published)
    pick(viewer, published, 2)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    OnlineSession.objects.filter(pk=published.session.pk).update(yearbook_deadline=yesterday)

    late = pick(viewer, published, 3)
    assert late.status_code == 400
    assert late.json() == {"error": CLOSED.format(yesterday)}
    plain = viewer.post(
        f"{event(published)}yearbook/", {"image": published.images[3].uuid}, follow=True
    )
    assert CLOSED.format(yesterday) in plain.content.decode()
    assert picked(published) == "IMG_0003.jpg"
    assert Change.objects.filter(kind=ChangeKind.YEARBOOK).count() == 1

    body = viewer.get(event(published)).content.decode()
    assert f"Locked on {yesterday.day} {yesterday:%B %Y}" in body
    assert "Your yearbook pose is <strong>IMG_0003.jpg</strong>." in body
    assert "You can change it until" not in body
    assert 'data-yearbook-open="0"' in body
    image = viewer.get(f"{event(published)}i/{published.images[3].uuid}/").content.decode()
    assert "Choose as yearbook pose" not in image


def test_the_deadline_day_itself_is_still_open(viewer: Client, published: Published) -> None:
    open_yearbook(published, days=0)
    assert pick(viewer, published, 0).status_code == 200


def test_an_ineligible_image_is_refused(viewer: Client, published: Published) -> None:
    open_yearbook(published, eligible=3)
    refused = pick(viewer, published, 7)
    assert refused.status_code == 400
    assert refused.json() == {"error": "This image is not one of the yearbook poses."}
    assert not YearbookPick.objects.exists()


def test_only_the_sessions_client_picks(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    public = publish(gallery_studio, ada, images=4, event_type=EventType.PUBLIC)
    open_yearbook(public, eligible=4)
    anonymous = pick(client, public, 0)
    assert anonymous.status_code == 401
    mia = make_guest(gallery_studio)
    sign_in(client, mia)
    refused = pick(client, public, 0)
    assert refused.status_code == 400
    assert refused.json() == {"error": "Only the session's client picks the yearbook pose."}
    body = client.get(event(public)).content.decode()
    assert "Yearbook pose" not in body and "data-yearbook-url" not in body
    assert (
        len(
            re.findall(
                r'data-name="IMG_\d+\.jpg"><img',
                client.get(f"{event(public)}?yearbook=1").content.decode(),
            )
        )
        == 4
    )  # the filter is the client's; a guest sees everything
    assert not YearbookPick.objects.exists()


def test_a_session_without_a_yearbook_has_no_panel_and_refuses_a_pick(
    viewer: Client, published: Published
) -> None:
    body = viewer.get(event(published)).content.decode()
    assert "Yearbook" not in body
    refused = pick(viewer, published, 0)
    assert refused.status_code == 400
    assert refused.json()["error"] == "This session has no yearbook selection."


def test_an_image_of_another_studio_is_not_found(
    viewer: Client, published: Published, rival_studio: Studio, rival_client: Account
) -> None:
    open_yearbook(published)
    rival = publish(rival_studio, rival_client, images=1)
    url = f"{event(published)}yearbook/"
    assert viewer.post(url, {"image": rival.images[0].uuid}, headers=JSON).status_code == 404
    assert not YearbookPick.objects.exists()
