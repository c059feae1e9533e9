"""Staff keep client records: add, search, edit, and see a client's sessions."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from proofroom.studio.clients import Client
from tests.factories import ClientFactory, make_session

pytestmark = pytest.mark.django_db


def test_add_a_client_and_land_on_their_record(desk: Browser) -> None:
    response = desk.post(
        "/desk/clients/new/",
        {"first_name": "Ana", "last_name": "Souza", "email": "ana@example.com", "city": "Duluth"},
        follow=True,
    )
    ana = Client.objects.get(email="ana@example.com")
    assert response.redirect_chain[-1][0] == f"/desk/clients/{ana.pk}/"
    assert "Ana Souza was added." in response.content.decode()


def test_a_client_needs_a_name_and_a_valid_email(desk: Browser) -> None:
    response = desk.post(
        "/desk/clients/new/", {"first_name": "", "last_name": "X", "email": "nope"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body and "Enter a valid email address." in body
    assert not Client.objects.exists()


def test_search_matches_every_word_in_name_email_or_phone(desk: Browser) -> None:
    ClientFactory(first_name="Ana", last_name="Souza", email="ana@souza.example")
    ClientFactory(first_name="Ben", last_name="Souza", email="ben@example.com")
    ClientFactory(first_name="Ana", last_name="Lee", email="lee@example.com")
    body = desk.get("/desk/clients/", {"q": "ana souza"}).content.decode()
    assert "Souza, Ana" in body
    assert "Souza, Ben" not in body and "Lee, Ana" not in body
    assert "Souza, Ben" in desk.get("/desk/clients/", {"q": "ben@"}).content.decode()
    assert "No client matches" in desk.get("/desk/clients/", {"q": "zzz"}).content.decode()


def test_client_page_lists_their_sessions(desk: Browser) -> None:
    ana = ClientFactory(first_name="Ana", last_name="Souza")
    session = make_session(client=ana, description="Autumn portraits")
    make_session(description="Someone else's wedding")
    body = desk.get(f"/desk/clients/{ana.pk}/").content.decode()
    assert f'href="/desk/sessions/{session.number}/"' in body
    assert "Autumn portraits" in body and "Someone else" not in body


def test_edit_keeps_what_was_typed_and_saves(desk: Browser) -> None:
    ana = ClientFactory(first_name="Ana", last_name="Souza")
    desk.post(
        f"/desk/clients/{ana.pk}/edit/",
        {
            "first_name": "Ana",
            "last_name": "Souza-Lima",
            "email": "new@example.com",
            "notes": "Prefers mornings",
        },
    )
    ana.refresh_from_db()
    assert (ana.last_name, ana.email, ana.notes) == (
        "Souza-Lima",
        "new@example.com",
        "Prefers mornings",
    )


def test_unknown_client_is_404_and_pages_need_login(client: Browser, desk: Browser) -> None:
    assert desk.get("/desk/clients/999999/").status_code == 404
    client.logout()
    assert client.get("/desk/clients/").status_code == 302


def test_client_list_query_count_stays_flat(desk: Browser, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    ClientFactory.create_batch(3)
    with django_assert_max_num_queries(8) as few:
        desk.get("/desk/clients/")
    ClientFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk.get("/desk/clients/")
