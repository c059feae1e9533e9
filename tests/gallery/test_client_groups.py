"""A client's own groups of a session: made, renamed and deleted by them, filled from the
lightbox or several at once, shown beside the studio's; nobody else's to touch."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.feed import Change
from proofroom.gallery.selections import ClientGroup, client_group_create
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import ChangeKind
from tests.cast import JSON, Published, event, make_client, make_guest, publish, sign_in

pytestmark = pytest.mark.django_db


def tiles(body: str) -> list[str]:
    return re.findall(r'data-name="(IMG_[0-9]+\.jpg)"><img', body)


def in_group(group: ClientGroup) -> list[str]:
    return list(group.images.order_by("position").values_list("file_name", flat=True))


def test_a_client_creates_renames_and_deletes_a_group_of_their_own(
    viewer: Client, ada: Account, published: Published
) -> None:
    url = event(published)
    made = viewer.post(f"{url}groups/", {"name": "  For grandma ", "next": url})
    assert made.status_code == 302 and made["Location"] == url
    group = ClientGroup.objects.get(account=ada)
    assert (group.name, group.session_id) == ("For grandma", published.session.pk)
    body = viewer.get(url).content.decode()
    assert "Group “For grandma” created." in body
    assert f'href="?mine={group.pk}" data-group="{group.pk}" data-name="For grandma"' in body
    # Beside the studio's groups, which are still there.
    assert "Ceremony" in body and "Portraits" in body and "My groups" in body

    renamed = viewer.post(f"{url}groups/{group.pk}/rename/", {"name": "Grandma’s album"})
    assert renamed.status_code == 302
    group.refresh_from_db()
    assert group.name == "Grandma’s album"

    page = viewer.get(f"{url}?mine={group.pk}").content.decode()
    assert "Delete “Grandma’s album”? Its photographs stay in the gallery." in page
    deleted = viewer.post(f"{url}groups/{group.pk}/delete/")
    assert deleted.status_code == 302 and deleted["Location"] == url
    assert not ClientGroup.objects.exists()
    assert published.session.images.count() == 12
    assert "Group “Grandma’s album” deleted" in viewer.get(url).content.decode()


def test_the_script_creates_a_group_and_is_told_its_id(
    viewer: Client, ada: Account, published: Published
) -> None:
    made = viewer.post(f"{event(published)}groups/", {"name": "Album"}, headers=JSON)
    group = ClientGroup.objects.get(account=ada)
    assert made.json()["group"] == {"id": group.pk, "name": "Album", "count": 0}


def test_images_are_added_and_removed_and_the_group_filters_the_grid(
    viewer: Client, ada: Account, gallery_studio: Studio, published: Published
) -> None:
    url = event(published)
    group = client_group_create(account=ada, session=published.session, name="Album")
    other = publish(gallery_studio, ada, images=1, title="Another session")
    wanted = [published.images[4].uuid, published.images[1].uuid, other.images[0].uuid]
    added = viewer.post(
        f"{url}groups/add/", {"group": group.pk, "images": wanted}, headers=JSON
    ).json()
    assert added["group"] == {"id": group.pk, "name": "Album", "count": 2}
    assert added["message"] == "2 photographs added to “Album”."
    assert in_group(group) == ["IMG_0002.jpg", "IMG_0005.jpg"]  # the other session's is not

    body = viewer.get(f"{url}?mine={group.pk}").content.decode()
    assert tiles(body) == ["IMG_0002.jpg", "IMG_0005.jpg"]
    assert "2 photographs in Album" in body
    assert 'aria-label="Remove IMG_0002.jpg from Album"' in body
    assert f'data-uuid="{published.images[1].uuid}" data-groups="{group.pk}"' in body

    # Without JavaScript: one image out, by the tile's button (a form post).
    removed = viewer.post(
        f"{url}groups/remove/",
        {"group": group.pk, "images": [published.images[1].uuid], "next": f"{url}?mine={group.pk}"},
    )
    assert removed.status_code == 302 and removed["Location"] == f"{url}?mine={group.pk}"
    assert in_group(group) == ["IMG_0005.jpg"]
    assert published.session.images.count() == 12
    empty = viewer.post(f"{url}groups/add/", {"group": group.pk}, headers=JSON)
    assert empty.status_code == 400


def test_a_group_name_is_needed_and_used_once(
    viewer: Client, ada: Account, published: Published
) -> None:
    url = f"{event(published)}groups/"
    viewer.post(url, {"name": "Album"}, headers=JSON)
    again = viewer.post(url, {"name": "Album"}, headers=JSON)
    assert again.status_code == 400
    assert again.json()["error"] == "You already have a group with this name."
    blank = viewer.post(url, {"name": "   "}, headers=JSON)
    assert blank.status_code == 400 and ClientGroup.objects.count() == 1
    plain = viewer.post(url, {"name": "Album"}, follow=True)
    assert "You already have a group with this name." in plain.content.decode()


def test_another_accounts_group_is_not_found(
    viewer: Client, gallery_studio: Studio, published: Published, public_event: Published
) -> None:
    mia = make_guest(gallery_studio)
    hers = client_group_create(account=mia, session=public_event.session, name="Mia's")
    url = event(public_event)
    for path, data in (
        (f"{url}groups/{hers.pk}/rename/", {"name": "Mine now"}),
        (f"{url}groups/{hers.pk}/delete/", {}),
        (f"{url}groups/add/", {"group": hers.pk, "images": [public_event.images[0].uuid]}),
        (f"{url}groups/remove/", {"group": hers.pk, "images": [public_event.images[0].uuid]}),
    ):
        assert viewer.post(path, data).status_code == 404, path
        assert viewer.post(path, data, headers=JSON).status_code == 404, path
    assert viewer.get(f"{url}?mine={hers.pk}").status_code == 404
    hers.refresh_from_db()
    assert hers.name == "Mia's" and hers.images.count() == 0


def test_a_group_is_only_reached_through_its_own_session_and_studio(
    viewer: Client,
    ada: Account,
    gallery_studio: Studio,
    published: Published,
    rival_studio: Studio,
    rival_client: Account,
) -> None:
    group = client_group_create(account=ada, session=published.session, name="Album")
    other = publish(gallery_studio, ada, images=1, title="Another session")
    rival = publish(rival_studio, rival_client, images=1)
    assert viewer.post(f"{event(other)}groups/{group.pk}/delete/").status_code == 404
    rivals = client_group_create(account=rival_client, session=rival.session, name="Theirs")
    assert viewer.get(f"{event(published)}?mine={rivals.pk}").status_code == 404
    assert (
        viewer.post(f"/s/rival/e/{rival.session.uuid}/groups/{rivals.pk}/delete/").status_code
        == 404
    )
    assert ClientGroup.objects.count() == 2


def test_a_visitor_not_signed_in_cannot_make_groups(
    client: Client, public_event: Published
) -> None:
    url = event(public_event)
    refused = client.post(f"{url}groups/", {"name": "Album"}, headers=JSON)
    assert refused.status_code == 401
    assert client.post(f"{url}groups/", {"name": "Album"}).status_code == 302
    assert not ClientGroup.objects.exists()
    assert "My groups" not in client.get(url).content.decode()


def test_a_guest_makes_groups_of_their_own_on_a_public_event(
    client: Client, gallery_studio: Studio, public_event: Published
) -> None:
    mia = make_guest(gallery_studio)
    sign_in(client, mia)
    url = event(public_event)
    group_id = client.post(f"{url}groups/", {"name": "Best"}, headers=JSON).json()["group"]["id"]
    client.post(f"{url}groups/add/", {"group": group_id, "images": [public_event.images[2].uuid]})
    assert in_group(ClientGroup.objects.get(account=mia)) == ["IMG_0003.jpg"]


def test_client_groups_stay_on_the_gallery(viewer: Client, published: Published) -> None:
    url = event(published)
    group_id = viewer.post(f"{url}groups/", {"name": "Album"}, headers=JSON).json()["group"]["id"]
    viewer.post(f"{url}groups/add/", {"group": group_id, "images": [published.images[0].uuid]})
    # Nothing but the sign-in's own password (the login's activation, for the letters).
    assert not Change.objects.exclude(kind=ChangeKind.ACCOUNT).exists()


def test_another_client_cannot_make_groups_on_a_client_only_session(
    gallery_studio: Studio, published: Published
) -> None:
    ben = make_client(gallery_studio, first="Ben", last="Okafor", email="ben@okafor.example")
    other = Client()
    sign_in(other, ben)
    assert other.post(f"{event(published)}groups/", {"name": "X"}).status_code == 404
