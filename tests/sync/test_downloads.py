"""What clients choose online comes home, over a real HTTP hop: favourites, guests, yearbook."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from proofroom.gallery.accounts import Account, account_guest_create
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.feed import ChangeAck
from proofroom.gallery.selections import YearbookClosed, favourite_set, yearbook_pick
from proofroom.studio.clients import Client
from proofroom.studio.downloads import (
    ONLINE_FAVOURITES,
    DownloadCursor,
    GuestLink,
    YearbookSettings,
)
from proofroom.studio.images import Image, ImageGroup
from proofroom.studio.synchronizer.runs import SyncStatus
from tests.factories import ClientFactory
from tests.sync.conftest import days_from_today, mark, online_images

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def favourites_group(session) -> set[str]:  # type: ignore[no-untyped-def]
    group = ImageGroup.objects.filter(session=session, name=ONLINE_FAVOURITES).first()
    return set() if group is None else set(group.images.values_list("file_name", flat=True))


def test_favourite_unfavourite_sync_twice_and_the_group_matches(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    first, second, third, *_ = online_images(wedding)
    for image in (first, second, third):
        favourite_set(account=ana, image=image, on=True)
    run = sync(["favourites"])
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert run.downloaded == {"favourites": 3}
    assert favourites_group(wedding) == {first.file_name, second.file_name, third.file_name}

    favourite_set(account=ana, image=second, on=False)
    sync(["favourites"])
    assert favourites_group(wedding) == {first.file_name, third.file_name}
    again = sync(["favourites"])
    assert again.downloaded == {"favourites": 0}
    assert favourites_group(wedding) == {first.file_name, third.file_name}
    assert ImageGroup.objects.filter(session=wedding, name=ONLINE_FAVOURITES).count() == 1


def test_a_guests_favourites_add_to_the_clients_and_leave_them_alone(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding, event_type="public")
    sync()
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    guest = account_guest_create(
        studio_id=ana.studio_id,
        first_name="Gran",
        last_name="Souza",
        email="gran@example.com",
        password="lilacs in the garden",
        session_uuid=wedding.uuid,
    )
    first, second, *_ = online_images(wedding)
    favourite_set(account=ana, image=first, on=True)
    favourite_set(account=guest, image=second, on=True)
    favourite_set(account=guest, image=first, on=True)
    favourite_set(account=guest, image=first, on=False)
    sync(["favourites"])
    assert favourites_group(wedding) == {first.file_name, second.file_name}


def test_guests_become_clients_and_an_existing_email_is_linked(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding, event_type="public")
    sync()
    studio_id = Account.objects.get(client_uuid=wedding.client.uuid).studio_id
    known = ClientFactory(first_name="Marta", last_name="Lima", email="Marta@Example.com")
    account_guest_create(
        studio_id=studio_id,
        first_name="Marta",
        last_name="Lima",
        email="marta@example.com",
        password="sunflowers at noon",
        session_uuid=wedding.uuid,
    )
    account_guest_create(
        studio_id=studio_id,
        first_name="Theo",
        last_name="Brandt",
        email="theo@example.com",
        password="river boats at dusk",
    )
    before = Client.objects.count()
    run = sync(["guest"])
    assert run.downloaded == {"guest": 2}
    assert Client.objects.count() == before + 1  # Theo is new; Marta was already a client
    marta = GuestLink.objects.get(client=known)
    assert marta.linked_existing and marta.session == wedding
    theo = Client.objects.get(email="theo@example.com")
    assert (theo.first_name, theo.last_name) == ("Theo", "Brandt")
    sync(["guest"])
    assert Client.objects.count() == before + 1


def test_yearbook_pick_comes_home_and_is_refused_after_the_deadline(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    YearbookSettings.objects.create(session=wedding, deadline=days_from_today(5))
    mark(wedding)
    sync()
    online = OnlineSession.objects.get(uuid=wedding.uuid)
    assert online.yearbook_deadline == days_from_today(5) and len(online.yearbook_images) == 6
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    first, second, *_ = online_images(wedding)
    yearbook_pick(account=ana, image=first)
    yearbook_pick(account=ana, image=second)  # changed before the deadline
    sync(["yearbook"])
    settings = YearbookSettings.objects.get(session=wedding)
    assert settings.image == Image.objects.get(uuid=second.uuid)

    OnlineSession.objects.filter(pk=online.pk).update(yearbook_deadline=days_from_today(-1))
    with pytest.raises(YearbookClosed, match="closed on"):
        yearbook_pick(account=ana, image=first)
    sync(["yearbook"])
    settings.refresh_from_db()
    assert settings.image == Image.objects.get(uuid=second.uuid)


def test_downloads_are_acknowledged_so_the_gallery_knows(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    favourite_set(account=ana, image=online_images(wedding)[0], on=True)
    sync(["favourites"])
    cursor = DownloadCursor.objects.get(kind="favourites").last_seq
    assert ChangeAck.objects.get(kind="favourites").upto == cursor > 0


def test_a_page_applied_twice_by_racing_syncs_counts_once(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    """Two syncs read the same page; the cursor lock makes the second apply nothing."""
    from proofroom.studio.downloads import changes_apply
    from proofroom.sync import protocol

    mark(wedding)
    sync()
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    favourite_set(account=ana, image=online_images(wedding)[0], on=True)
    from proofroom.gallery.feed import Change

    row = Change.objects.get(kind="favourites")
    page = protocol.ChangesPage(
        changes=[protocol.Change(seq=row.seq, kind=row.kind, at=row.created_at, data=row.payload)],
        head=row.seq,
    )
    with transaction.atomic():
        assert changes_apply(kind="favourites", page=page) == (1, row.seq)
    assert changes_apply(kind="favourites", page=page) == (0, row.seq)
    assert len(favourites_group(wedding)) == 1


def test_yearbook_only_for_the_sessions_client_and_eligible_images(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    group = wedding.groups.get()
    YearbookSettings.objects.create(
        session=wedding, deadline=days_from_today(3), eligible_group=group
    )
    mark(wedding, event_type="public")
    sync()
    online = OnlineSession.objects.get(uuid=wedding.uuid)
    assert len(online.yearbook_images) == group.images.count() == 3
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    outside = next(i for i in online_images(wedding) if str(i.uuid) not in online.yearbook_images)
    with pytest.raises(YearbookClosed, match="not one of the yearbook poses"):
        yearbook_pick(account=ana, image=outside)
    guest = account_guest_create(
        studio_id=ana.studio_id,
        first_name="G",
        last_name="H",
        email="gh@example.com",
        password="morning fog on lakes",
    )
    inside = next(i for i in online_images(wedding) if str(i.uuid) in online.yearbook_images)
    with pytest.raises(YearbookClosed, match="Only the session's client"):
        yearbook_pick(account=guest, image=inside)


def test_the_desks_favourites_group_shows_whose_hearts_are_whose(wedding, sync, desk) -> None:  # type: ignore[no-untyped-def]
    mark(wedding, event_type="public")
    sync()
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    gran = account_guest_create(
        studio_id=ana.studio_id,
        first_name="Gran",
        last_name="Souza",
        email="gran@example.com",
        password="lilacs in the garden",
        session_uuid=wedding.uuid,
    )
    first, second, third, *_ = online_images(wedding)
    favourite_set(account=ana, image=first, on=True)
    favourite_set(account=ana, image=third, on=True)
    favourite_set(account=gran, image=second, on=True)
    favourite_set(account=gran, image=third, on=True)
    assert sync(["favourites"]).status == SyncStatus.SUCCEEDED
    group = ImageGroup.objects.get(session=wedding, name=ONLINE_FAVOURITES)
    viewer = reverse("studio:session_images", args=[wedding.number]) + f"?group={group.pk}"

    def tiles(page: str) -> dict[str, list[str]]:
        """file name → the names on the tile's hearts line."""
        found = {}
        for tile in page.split('<li class="tile ')[1:]:
            name = re.search(r'data-name="([^"]+)"', tile)
            assert name is not None
            found[name.group(1)] = re.findall(
                r'<span class="heart-by[^"]*"[^>]*>([^<]+)</span>', tile
            )
        return found

    page = desk.get(viewer).content.decode()
    assert "Ana Souza" in page and "(client)" in page and "(guest)" in page
    shown = tiles(page)
    assert shown[first.file_name] == ["Ana Souza"]
    assert shown[second.file_name] == ["Guest"]  # not downloaded as a guest yet
    assert shown[third.file_name] == ["Ana Souza", "Guest"]

    assert sync(["guest"]).status == SyncStatus.SUCCEEDED
    page = desk.get(viewer).content.decode()
    assert tiles(page)[third.file_name] == ["Ana Souza", "Gran Souza"]
    by_gran = desk.get(f"{viewer}&by={gran.uuid}").content.decode()
    assert set(tiles(by_gran)) == {second.file_name, third.file_name}
    by_ana = desk.get(f"{viewer}&by={ana.uuid}").content.decode()
    assert set(tiles(by_ana)) == {first.file_name, third.file_name}
