"""Hearts: a signed-in client (or guest) keeps favourites; the studio hears the whole set;
a Favourites filter; everyone else is refused and nothing changes."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import Invitation, OnlineImage, OnlineSession
from proofroom.gallery.feed import Change
from proofroom.gallery.selections import Favourite, client_group_add, client_group_create
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import ChangeKind
from tests.cast import JSON, Published, make_client, make_guest, publish, queries_for, sign_in

pytestmark = pytest.mark.django_db


def heart_url(published: Published, n: int, slug: str = "northlight") -> str:
    image = published.images[n].uuid
    return f"/s/{slug}/e/{published.session.uuid}/i/{image}/favourite/"


def tiles(body: str) -> list[str]:
    return re.findall(
        r'<a class="tile" href="[^"]+"\s+data-preview="[^"]+" data-name="([^"]+)"', body
    )


def favourites_of(account: Account) -> list[str]:
    found = Favourite.objects.filter(account=account).order_by("image__position")
    return list(found.values_list("image__file_name", flat=True))


def test_a_heart_is_kept_and_the_studio_hears_the_accounts_whole_set(
    viewer: Client, ada: Account, published: Published
) -> None:
    first = viewer.post(heart_url(published, 3), {"on": "1"}, headers=JSON)
    assert first.status_code == 200
    assert first.json() | {"message": ""} == {
        "image": str(published.images[3].uuid),
        "favourite": True,
        "count": 1,
        "message": "",
    }
    second = viewer.post(heart_url(published, 1), {"on": "1"}, headers=JSON)
    assert second.json()["count"] == 2
    assert favourites_of(ada) == ["IMG_0002.jpg", "IMG_0004.jpg"]

    rows = list(Change.objects.filter(kind=ChangeKind.FAVOURITES).order_by("id"))
    assert len(rows) == 2
    assert rows[-1].payload == {
        "session": str(published.session.uuid),
        "account": str(ada.uuid),
        "client": str(ada.client_uuid),
        "images": [str(published.images[1].uuid), str(published.images[3].uuid)],
    }


def test_an_unheart_sends_the_smaller_set_and_a_repeated_tap_changes_nothing(
    viewer: Client, ada: Account, published: Published
) -> None:
    for _ in range(2):
        assert viewer.post(heart_url(published, 0), {"on": "1"}, headers=JSON).status_code == 200
    assert Change.objects.filter(kind=ChangeKind.FAVOURITES).count() == 1
    off = viewer.post(heart_url(published, 0), {"on": "0"}, headers=JSON)
    assert off.json()["favourite"] is False and off.json()["count"] == 0
    assert favourites_of(ada) == []
    last = Change.objects.filter(kind=ChangeKind.FAVOURITES).latest("id")
    assert last.payload["images"] == []
    viewer.post(heart_url(published, 0), {"on": "0"}, headers=JSON)
    assert Change.objects.filter(kind=ChangeKind.FAVOURITES).count() == 2


def test_without_javascript_a_heart_is_a_form_post_that_comes_back(
    viewer: Client, ada: Account, published: Published
) -> None:
    ceremony = published.groups[0]
    back = f"/s/northlight/e/{published.session.uuid}/?group={ceremony.uuid}"
    response = viewer.post(heart_url(published, 2), {"on": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    body = viewer.get(back).content.decode()
    assert "IMG_0003.jpg is in your favourites." in body
    pressed = re.search(
        r'<button type="submit" class="heart"[^>]*aria-pressed="true" aria-label="([^"]+)"', body
    )
    assert pressed and pressed.group(1) == "Favourite IMG_0003.jpg"
    assert body.count('aria-pressed="false" aria-label="Favourite IMG_') == 4
    # A next that leaves the studio's site is ignored.
    away = viewer.post(heart_url(published, 2), {"on": "0", "next": "https://evil.example/"})
    assert away["Location"] == f"/s/northlight/e/{published.session.uuid}/"


def test_the_grid_and_the_lightbox_name_each_heart_for_its_image(
    viewer: Client, published: Published
) -> None:
    body = viewer.get(f"/s/northlight/e/{published.session.uuid}/").content.decode()
    for n in range(12):
        assert f'aria-label="Favourite IMG_{n + 1:04d}.jpg"' in body
        assert f'formaction="{heart_url(published, n)}"' in body
    assert 'id="lb-heart" aria-pressed="false"' in body and 'aria-keyshortcuts="F"' in body
    assert 'id="fav-count">0<' in body


def test_the_favourites_filter_shows_only_the_hearted_ones(
    viewer: Client, published: Published
) -> None:
    for n in (7, 2, 9):
        viewer.post(heart_url(published, n), {"on": "1"}, headers=JSON)
    url = f"/s/northlight/e/{published.session.uuid}/"
    body = viewer.get(f"{url}?favourites=1").content.decode()
    assert tiles(body) == ["IMG_0003.jpg", "IMG_0008.jpg", "IMG_0010.jpg"]
    assert "3 photographs in your favourites" in body
    assert 'id="fav-count">3<' in body
    assert f'href="{url}i/{published.images[2].uuid}/?favourites=1"' in body
    # The image page follows the filter: the second favourite of three.
    image = viewer.get(f"{url}i/{published.images[7].uuid}/?favourites=1").content.decode()
    assert "2 / 3" in image and f"/i/{published.images[9].uuid}/?favourites=1" in image
    # With no favourites the filter says how to make one.
    for n in (7, 2, 9):
        viewer.post(heart_url(published, n), {"on": "0"}, headers=JSON)
    empty = viewer.get(f"{url}?favourites=1").content.decode()
    assert "No favourites yet." in empty


def test_a_visitor_not_signed_in_is_refused_and_nothing_changes(
    client: Client, public_event: Published
) -> None:
    url = heart_url(public_event, 0)
    refused = client.post(url, {"on": "1"}, headers=JSON)
    assert refused.status_code == 401
    event = f"/s/northlight/e/{public_event.session.uuid}/"
    assert refused.json() == {
        "error": "Sign in or create a guest login to keep favourites.",
        "sign_in": f"/s/northlight/login/?next={event.replace('/', '%2F')}",
    }
    plain = client.post(url, {"on": "1"})
    assert plain.status_code == 302 and plain["Location"].startswith("/s/northlight/login/?next=")
    assert Favourite.objects.count() == 0
    assert Change.objects.filter(kind=ChangeKind.FAVOURITES).count() == 0
    body = client.get(event).content.decode()
    assert "Sign in or create a guest login to keep favourites." in body
    assert 'class="heart"' not in body and 'id="lb-heart"' not in body
    assert f'href="{event}guest/"' in body


def test_on_a_client_only_session_an_invited_signed_in_guest_may_not_heart(
    client: Client, gallery_studio: Studio, ada: Account, published: Published
) -> None:
    mia = make_guest(gallery_studio)
    sign_in(client, mia)
    invitation = Invitation.objects.create(
        session=published.session, email=mia.email, invited_by=ada
    )
    client.get(f"/s/northlight/invite/{invitation.token}/")
    body = client.get(f"/s/northlight/e/{published.session.uuid}/").content.decode()
    assert "<h1>Souza wedding</h1>" in body and 'class="heart"' not in body
    refused = client.post(heart_url(published, 0), {"on": "1"}, headers=JSON)
    assert refused.status_code == 403
    assert (
        refused.json()["error"] == "Favourites and groups of this gallery are kept by its client."
    )
    assert Favourite.objects.count() == 0


def test_another_studios_image_or_another_sessions_is_not_found(
    viewer: Client,
    gallery_studio: Studio,
    ada: Account,
    published: Published,
    rival_studio: Studio,
    rival_client: Account,
) -> None:
    rival = publish(rival_studio, rival_client, images=2)
    other = publish(gallery_studio, ada, images=1, title="Another session")
    ours = published.session.uuid
    for url in (
        f"/s/northlight/e/{ours}/i/{rival.images[0].uuid}/favourite/",
        f"/s/northlight/e/{rival.session.uuid}/i/{rival.images[0].uuid}/favourite/",
        f"/s/rival/e/{rival.session.uuid}/i/{rival.images[0].uuid}/favourite/",
        f"/s/rival/e/{ours}/i/{published.images[0].uuid}/favourite/",
        f"/s/northlight/e/{ours}/i/{other.images[0].uuid}/favourite/",
        f"/s/northlight/e/{ours}/i/{uuid.uuid4()}/favourite/",
    ):
        assert viewer.post(url, {"on": "1"}, headers=JSON).status_code == 404, url
        assert viewer.post(url, {"on": "1"}).status_code == 404, url
    assert Favourite.objects.count() == 0


def test_a_heart_is_only_a_post_and_needs_a_wanted_state(
    viewer: Client, published: Published
) -> None:
    assert viewer.get(heart_url(published, 0)).status_code == 405
    bad = viewer.post(heart_url(published, 0), {"on": "maybe"}, headers=JSON)
    assert bad.status_code == 400 and Favourite.objects.count() == 0


def test_the_hearts_of_two_people_are_their_own(
    client: Client, gallery_studio: Studio, ada: Account, public_event: Published
) -> None:
    sign_in(client, ada)
    client.post(heart_url(public_event, 0), {"on": "1"}, headers=JSON)
    guest = Client()
    mia = make_guest(gallery_studio)
    sign_in(guest, mia)
    assert guest.post(heart_url(public_event, 1), {"on": "1"}, headers=JSON).json()["count"] == 1
    assert favourites_of(ada) == ["IMG_0001.jpg"] and favourites_of(mia) == ["IMG_0002.jpg"]
    body = guest.get(f"/s/northlight/e/{public_event.session.uuid}/?favourites=1").content
    assert tiles(body.decode()) == ["IMG_0002.jpg"]
    payload = Change.objects.filter(kind=ChangeKind.FAVOURITES).latest("id").payload
    assert payload["account"] == str(mia.uuid) and payload["client"] is None


def test_the_page_makes_as_many_queries_with_hearts_groups_and_a_yearbook_for_100_as_for_10(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    from proofroom.gallery.selections import favourite_set

    counts = []
    for size in (10, 100):
        session = publish(gallery_studio, ada, images=size, title=f"{size} images").session
        images = list(OnlineImage.objects.filter(session=session))
        for image in images[::3]:
            favourite_set(account=ada, image=image, on=True)
        for name in ("Album", "For grandma"):
            group = client_group_create(account=ada, session=session, name=name)
            client_group_add(group=group, image_ids=[i.pk for i in images[::2]])
        OnlineSession.objects.filter(pk=session.pk).update(
            yearbook_deadline=session.expire_date,
            yearbook_images=[str(i.uuid) for i in images[:8]],
        )
        if not counts:
            sign_in(client, ada)
        counts.append(queries_for(client, f"/s/northlight/e/{session.uuid}/"))
    assert counts[0] == counts[1]
    assert counts[1] <= 11  # with the cart count in the header


def test_another_client_of_the_studio_cannot_see_or_heart_a_client_only_session(
    gallery_studio: Studio, published: Published
) -> None:
    ben = make_client(gallery_studio, first="Ben", last="Okafor", email="ben@okafor.example")
    other = Client()
    sign_in(other, ben)
    assert other.post(heart_url(published, 0), {"on": "1"}, headers=JSON).status_code == 404
