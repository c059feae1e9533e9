"""The session's image viewer: ratings, filters and groups, all scoped to the session."""

from __future__ import annotations

import json

import pytest
from django.db import connections
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from proofroom.studio.images import (
    Image,
    ImageGroup,
    Rating,
    group_add_images,
    group_create,
)
from proofroom.studio.sessions import Session
from tests.factories import make_images as add_images
from tests.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(studio: object) -> Session:
    return make_session(description="Someone else's shoot")


def url(session: Session, rest: str = "images/") -> str:
    return f"/desk/sessions/{session.number}/{rest}"


def rate(desk: Browser, session: Session, ids: list[int], rating: str):  # type: ignore[no-untyped-def]
    return desk.post(
        url(session, "images/rating/"),
        {"image": ids, "rating": rating},
        headers={"accept": "application/json"},
    )


def tiles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [image.file_name for image in response.context["page"].object_list]


# --- The page ----------------------------------------------------------------------------


def test_viewer_and_every_endpoint_need_a_staff_login(client: Browser, session: Session) -> None:
    image = add_images(session, 1)[0]
    group = group_create(session=session, name="Album")
    response = client.get(url(session))
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/")
    for rest in (
        "images/rating/",
        "groups/new/",
        f"groups/{group.pk}/rename/",
        f"groups/{group.pk}/delete/",
        f"groups/{group.pk}/online/",
        f"groups/{group.pk}/add/",
        f"groups/{group.pk}/remove/",
    ):
        response = client.post(url(session, rest), {"image": [image.pk], "rating": "selected"})
        assert response.status_code == 302, rest
        assert response["Location"].startswith("/desk/login/")
    image.refresh_from_db()
    assert image.rating == Rating.UNDECIDED
    assert ImageGroup.objects.get().images.count() == 0


def test_viewer_shows_tiles_with_names_badges_and_the_keys(desk: Browser, session: Session) -> None:
    pending = add_images(session, 2)
    ready = add_images(session, 1, ready=True)[0]
    response = desk.get(url(session))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("making preview…") == 2
    assert f'src="/desk/images/{ready.uuid}/thumb/"' in body
    assert f'data-preview="/desk/images/{ready.uuid}/preview/"' in body
    assert 'loading="lazy"' in body
    for image in [*pending, ready]:
        assert image.file_name in body
    assert body.count(">Undecided</span>") == 3
    # The keyboard help is on the page, not hidden.
    assert "Selected (pick)" in body and "Not Selected (reject)" in body
    assert "studio/viewer.js" in body and "studio/viewer.css" in body
    assert response.context["tab"] == "images"


def test_unknown_session_is_404(desk: Browser, studio: object) -> None:
    assert desk.get("/desk/sessions/999999/images/").status_code == 404
    response = desk.post(
        "/desk/sessions/999999/images/rating/", {"image": [1], "rating": "selected"}
    )
    assert response.status_code == 404


# --- Ratings ------------------------------------------------------------------------------


def test_rating_endpoint_saves_the_rating(desk: Browser, session: Session) -> None:
    first, second, third = add_images(session, 3)
    response = rate(desk, session, [first.pk, second.pk], "selected")
    assert response.status_code == 200
    assert response.json() == {"images": [first.pk, second.pk], "rating": "selected"}
    assert rate(desk, session, [third.pk], "not_selected").status_code == 200
    ratings = dict(Image.objects.values_list("pk", "rating"))
    assert ratings == {first.pk: "selected", second.pk: "selected", third.pk: "not_selected"}
    assert rate(desk, session, [first.pk], "undecided").status_code == 200
    first.refresh_from_db()
    assert first.rating == Rating.UNDECIDED


@pytest.mark.parametrize("bad", ["", "pick", "SELECTED", "5"])
def test_rating_endpoint_refuses_a_bad_rating_value(
    desk: Browser, session: Session, bad: str
) -> None:
    image = add_images(session, 1)[0]
    response = rate(desk, session, [image.pk], bad)
    assert response.status_code == 400
    assert response.json()["error"]
    image.refresh_from_db()
    assert image.rating == Rating.UNDECIDED


def test_rating_endpoint_refuses_missing_or_malformed_ids(desk: Browser, session: Session) -> None:
    assert rate(desk, session, [], "selected").status_code == 400
    response = desk.post(
        url(session, "images/rating/"),
        {"image": ["abc"], "rating": "selected"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400


def test_rating_an_image_of_another_session_is_404_and_changes_nothing(
    desk: Browser, session: Session, other: Session
) -> None:
    mine = add_images(session, 1)[0]
    theirs = add_images(other, 1)[0]
    assert rate(desk, session, [theirs.pk], "selected").status_code == 404
    assert rate(desk, session, [mine.pk, theirs.pk], "selected").status_code == 404
    assert rate(desk, session, [mine.pk, 987654], "selected").status_code == 404
    assert set(Image.objects.values_list("rating", flat=True)) == {Rating.UNDECIDED}


def test_rating_works_as_a_plain_form_and_returns_to_the_same_filter(
    desk: Browser, session: Session
) -> None:
    image = add_images(session, 1)[0]
    back = url(session) + "?rating=undecided&page=1"
    response = desk.post(
        url(session, "images/rating/"),
        {"image": [image.pk], "rating": "not_selected", "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    image.refresh_from_db()
    assert image.rating == Rating.NOT_SELECTED


def test_next_never_leaves_the_viewer(desk: Browser, session: Session) -> None:
    image = add_images(session, 1)[0]
    for target in ("https://evil.example/", "//evil.example/x", "/desk/clients/"):
        response = desk.post(
            url(session, "images/rating/"),
            {"image": [image.pk], "rating": "selected", "next": target},
        )
        assert response["Location"] == url(session)


# --- Filters -------------------------------------------------------------------------------


def test_filters_by_rating_and_group_with_counts(desk: Browser, session: Session) -> None:
    a, b, c, d, e = add_images(session, 5)
    Image.objects.filter(pk__in=[a.pk, b.pk]).update(rating=Rating.SELECTED)
    Image.objects.filter(pk=c.pk).update(rating=Rating.NOT_SELECTED)
    album = group_create(session=session, name="Album")
    group_add_images(group=album, image_ids=[b.pk, c.pk, d.pk])

    everything = desk.get(url(session))
    assert tiles(everything) == [i.file_name for i in (a, b, c, d, e)]
    assert everything.context["counts"] == {
        "all": 5,
        "selected": 2,
        "not_selected": 1,
        "undecided": 2,
    }
    assert tiles(desk.get(url(session) + "?rating=selected")) == [a.file_name, b.file_name]
    assert tiles(desk.get(url(session) + "?rating=not_selected")) == [c.file_name]
    assert tiles(desk.get(url(session) + "?rating=undecided")) == [d.file_name, e.file_name]

    in_album = desk.get(url(session) + f"?group={album.pk}")
    assert tiles(in_album) == [b.file_name, c.file_name, d.file_name]
    assert in_album.context["counts"] == {
        "all": 3,
        "selected": 1,
        "not_selected": 1,
        "undecided": 1,
    }
    both = desk.get(url(session) + f"?group={album.pk}&rating=selected")
    assert tiles(both) == [b.file_name]
    # Filter links keep the other filter, so a filtered view can be bookmarked and refined.
    assert f"?group={album.pk}&amp;rating=undecided" in both.content.decode()
    # An unknown rating shows everything rather than failing.
    assert len(tiles(desk.get(url(session) + "?rating=starred"))) == 5


def test_group_filter_of_another_session_or_unknown_is_404(
    desk: Browser, session: Session, other: Session
) -> None:
    theirs = group_create(session=other, name="Album")
    assert desk.get(url(session) + f"?group={theirs.pk}").status_code == 404
    assert desk.get(url(session) + "?group=424242").status_code == 404
    assert desk.get(url(session) + "?group=abc").status_code == 404


def test_grid_is_paginated_at_200(desk: Browser, session: Session) -> None:
    add_images(session, 205)
    first = desk.get(url(session))
    assert len(tiles(first)) == 200
    assert "Images 1\u2013200 of 205" in first.content.decode()
    assert len(tiles(desk.get(url(session) + "?page=2"))) == 5


def test_query_count_does_not_grow_with_the_images(desk: Browser, session: Session) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connections["default"]) as captured:
            assert desk.get(url(session)).status_code == 200
        return len(captured)

    album = group_create(session=session, name="Album")
    group_create(session=session, name="Favourites")
    images = add_images(session, 4) + add_images(session, 1, ready=True)
    group_add_images(group=album, image_ids=[i.pk for i in images])
    small = queries()

    more = add_images(session, 44) + add_images(session, 1, ready=True)
    group_add_images(group=album, image_ids=[i.pk for i in more])
    assert Image.objects.count() == 50
    assert queries() == small
    assert small <= 12, small


# --- Groups ---------------------------------------------------------------------------------


def test_create_a_group_and_see_it_listed(desk: Browser, session: Session) -> None:
    response = desk.post(url(session, "groups/new/"), {"name": "  Album  "}, follow=True)
    group = ImageGroup.objects.get()
    assert (group.session, group.name, group.show_online) == (session, "Album", False)
    body = response.content.decode()
    assert "Group “Album” created." in body
    assert f'data-group="{group.pk}"' in body


def test_duplicate_and_empty_group_names_are_refused_clearly(
    desk: Browser, session: Session, other: Session
) -> None:
    group_create(session=session, name="Album")
    response = desk.post(url(session, "groups/new/"), {"name": "Album"}, follow=True)
    assert "The session already has a group with this name." in response.content.decode()
    response = desk.post(url(session, "groups/new/"), {"name": "   "}, follow=True)
    assert "Give the group a name." in response.content.decode()
    assert ImageGroup.objects.filter(session=session).count() == 1
    # The same name on another session is fine.
    desk.post(url(other, "groups/new/"), {"name": "Album"})
    assert ImageGroup.objects.filter(session=other, name="Album").exists()


def test_rename_a_group(desk: Browser, session: Session) -> None:
    album = group_create(session=session, name="Album")
    group_create(session=session, name="Favourites")
    response = desk.post(
        url(session, f"groups/{album.pk}/rename/"), {"name": "Wall art"}, follow=True
    )
    assert "renamed to “Wall art”" in response.content.decode()
    album.refresh_from_db()
    assert album.name == "Wall art"
    response = desk.post(
        url(session, f"groups/{album.pk}/rename/"), {"name": "Favourites"}, follow=True
    )
    assert "The session already has a group with this name." in response.content.decode()
    album.refresh_from_db()
    assert album.name == "Wall art"


def test_delete_a_group_keeps_its_images(desk: Browser, session: Session) -> None:
    images = add_images(session, 2)
    album = group_create(session=session, name="Album")
    group_add_images(group=album, image_ids=[i.pk for i in images])
    response = desk.post(url(session, f"groups/{album.pk}/delete/"))
    assert response.status_code == 302
    assert response["Location"] == url(session)
    assert not ImageGroup.objects.exists()
    assert Image.objects.filter(session=session).count() == 2


def test_show_a_group_online_and_hide_it_again(desk: Browser, session: Session) -> None:
    album = group_create(session=session, name="Album")
    desk.post(url(session, f"groups/{album.pk}/online/"), {"show_online": "1"})
    album.refresh_from_db()
    assert album.show_online is True
    body = desk.get(url(session)).content.decode()
    assert 'aria-pressed="true"' in body
    desk.post(url(session, f"groups/{album.pk}/online/"), {"show_online": "0"})
    album.refresh_from_db()
    assert album.show_online is False


def test_add_and_remove_images_ignores_other_sessions_images(
    desk: Browser, session: Session, other: Session
) -> None:
    a, b, c = add_images(session, 3)
    theirs = add_images(other, 1)[0]
    album = group_create(session=session, name="Album")
    json_accept = {"accept": "application/json"}

    response = desk.post(
        url(session, f"groups/{album.pk}/add/"),
        {"image": [a.pk, b.pk, theirs.pk]},
        headers=json_accept,
    )
    assert response.status_code == 200
    assert response.json() == {"group": album.pk, "changed": 2, "count": 2}
    assert set(album.images.values_list("pk", flat=True)) == {a.pk, b.pk}

    body = desk.get(url(session)).content.decode()
    assert f'data-groups="{album.pk}"' in body

    response = desk.post(
        url(session, f"groups/{album.pk}/remove/"), {"image": [a.pk, c.pk]}, headers=json_accept
    )
    assert json.loads(response.content) == {"group": album.pk, "changed": 1, "count": 1}
    assert list(album.images.values_list("pk", flat=True)) == [b.pk]

    response = desk.post(
        url(session, f"groups/{album.pk}/add/"), {"image": []}, headers=json_accept
    )
    assert response.status_code == 400


def test_another_sessions_group_or_a_missing_group_is_404(
    desk: Browser, session: Session, other: Session
) -> None:
    mine = add_images(session, 1)[0]
    theirs = group_create(session=other, name="Theirs")
    for rest in ("rename/", "delete/", "online/", "add/", "remove/"):
        for group_id in (theirs.pk, 424242):
            response = desk.post(
                url(session, f"groups/{group_id}/{rest}"),
                {"name": "Mine now", "show_online": "1", "image": [mine.pk]},
            )
            assert response.status_code == 404, rest
    theirs.refresh_from_db()
    assert (theirs.name, theirs.show_online, theirs.images.count()) == ("Theirs", False, 0)


def test_endpoints_refuse_get(desk: Browser, session: Session) -> None:
    assert desk.get(url(session, "images/rating/")).status_code == 405
    assert desk.get(url(session, "groups/new/")).status_code == 405
