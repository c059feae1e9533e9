"""Issue 18, point 9: smaller things a studio trips over on the desk.

Each test here failed on the main branch before the fix it names."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client as Browser

from proofroom.gallery.accounts import Account
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.studio.images import ImportRejection
from tests.cast import publish, sign_in
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def test_the_uploader_does_not_offer_the_title_as_the_event_description(desk: Browser) -> None:
    """The gallery shows the session's title above the event description; the uploader's
    default description was that title, so the gallery said it twice."""
    session = make_session(description="Lake wedding")
    page = desk.get(f"/desk/sessions/{session.number}/upload/").content.decode()
    field = page[page.index('name="event_description"') :].split(">", 1)[0]
    assert "Lake wedding" not in field


def test_the_gallery_does_not_repeat_the_title_as_the_description(
    client: Browser, gallery_studio: GalleryStudio, ada: Account
) -> None:
    """A session uploaded before the fix, with its title as its description."""
    published = publish(gallery_studio, ada, title="Souza wedding", description="Souza wedding")
    sign_in(client, ada)
    page = client.get(f"/s/northlight/e/{published.session.uuid}/").content.decode()
    assert page.count("Souza wedding") == 2  # the window's title and the heading
    assert 'class="lede"' not in page


def test_the_list_of_refused_files_can_be_cleared(desk: Browser) -> None:
    session = make_session()
    other = make_session()
    for name in ("notes.txt", "broken.jpg"):
        ImportRejection.objects.create(session=session, file_name=name, reason="Not an image")
    ImportRejection.objects.create(session=other, file_name="keep.txt", reason="Not an image")
    page = desk.get(f"/desk/sessions/{session.number}/import/").content.decode()
    assert "Clear the list" in page
    response = desk.post(f"/desk/sessions/{session.number}/import/refused/clear/", follow=True)
    body = response.content.decode()
    assert "Cleared 2 refused files from the list." in body
    assert "None: every file imported so far could be read." in body
    assert list(ImportRejection.objects.values_list("file_name", flat=True)) == ["keep.txt"]


def test_clearing_refused_files_is_a_post_of_the_sessions_area(
    client: Browser, assistant: object
) -> None:
    session = make_session()
    ImportRejection.objects.create(session=session, file_name="notes.txt", reason="Not an image")
    url = f"/desk/sessions/{session.number}/import/refused/clear/"
    assert client.post(url)["Location"].startswith("/desk/login/")
    client.force_login(assistant)  # type: ignore[arg-type]
    assert client.get(url).status_code == 405
    assert ImportRejection.objects.count() == 1


def test_reset_login_asks_before_it_resets(desk: Browser) -> None:
    session = make_session()
    page = desk.get(f"/desk/clients/{session.client.pk}/").content.decode()
    start = page.index('<details class="confirm-step" id="reset-login">')
    step = page[start : page.index("</details>", start)]
    assert '<summary class="button">Reset Login…</summary>' in step
    assert "Reset " in step and "gallery login?" in step
    assert "Yes, reset the login</button>" in step
    # The only button that posts the reset is the confirmation's.
    assert page.count("/reset-login/") == 1


def test_a_favicon_on_both_sides(desk: Browser, client: Browser, gallery_studio) -> None:  # type: ignore[no-untyped-def]
    assert (
        '<link rel="icon" href="/static/studio/favicon.svg"' in desk.get("/desk/").content.decode()
    )
    landing = client.get("/s/northlight/").content.decode()
    assert '<link rel="icon" href="/static/gallery/favicon.svg"' in landing
    for name in ("studio/favicon.svg", "gallery/favicon.svg"):
        found = finders.find(name)
        assert found and open(found, encoding="utf-8").read().startswith("<svg")  # noqa: SIM115


def test_the_desk_has_its_own_not_found_page_with_a_way_back(desk: Browser) -> None:
    response = desk.get("/desk/sessions/99999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in body
    assert '<a class="button primary" href="/desk/sessions/">Back to the sessions</a>' in body
    assert '<a class="button" href="/desk/">The desk\'s home page</a>' in body
    assert 'class="topbar"' in body  # in the desk's frame


def test_a_visitor_not_logged_in_is_led_to_the_login(client: Browser, studio) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/desk/no-such-page/")
    assert response.status_code == 404
    assert '<a class="button primary" href="/desk/login/">Log in to the desk</a>' in (
        response.content.decode()
    )


def test_the_gallery_keeps_its_own_not_found(client: Browser, gallery_studio) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Back to the sessions" not in response.content.decode()
    assert "Log in to the desk" not in response.content.decode()


def test_a_refused_desk_form_says_why_with_a_way_back(owner: object) -> None:
    """A form opened before logging in again carries a stale CSRF token: Django's bare 403
    left the desk; the desk's 403 page says nothing was saved and leads back."""
    strict = Browser(enforce_csrf_checks=True)
    strict.force_login(owner)  # type: ignore[arg-type]
    response = strict.post("/desk/clients/new/", {"first_name": "Forged"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "nothing was saved" in body and 'class="topbar"' in body
    assert "Back to the desk's home page</a>" in body
    anonymous = Browser(enforce_csrf_checks=True).post(
        "/desk/login/", {"username": "alice", "password": "x"}
    )
    assert anonymous.status_code == 403
    assert '<a class="button primary" href="/desk/login/">Log in to the desk</a>' in (
        anonymous.content.decode()
    )


def test_the_gallery_keeps_django_s_csrf_page(client: Browser, gallery_studio) -> None:  # type: ignore[no-untyped-def]
    strict = Browser(enforce_csrf_checks=True)
    response = strict.post("/s/northlight/login/", {"username": "ada", "password": "x"})
    assert response.status_code == 403
    assert "Log in to the desk" not in response.content.decode()
