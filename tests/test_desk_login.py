"""Staff log in to the desk; the desk and the gallery keep separate sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from proofroom.studio.logins import DeskLoginCounter
from tests.cast import CSRF_TOKEN, PASSWORD

pytestmark = pytest.mark.django_db


def test_desk_home_asks_for_login(client: Client, studio: object) -> None:
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=/desk/")


def test_staff_log_in_and_see_their_studio(client: Client, owner: User) -> None:
    response = client.post("/desk/login/", {"username": "alice", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/desk/"
    body = response.content.decode()
    assert "Hello, Alice" in body
    assert "Northlight Studio" in body
    assert "proofroom_desk" in client.cookies
    assert "proofroom_gallery" not in client.cookies


def test_wrong_password_is_refused_with_a_message(client: Client, owner: User) -> None:
    response = client.post("/desk/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert client.get("/desk/").status_code == 302


def test_logout_ends_the_desk_session(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert client.get("/desk/").status_code == 200
    client.post("/desk/logout/")
    assert client.get("/desk/").status_code == 302


def test_passwords_are_hashed_with_argon2(owner: User) -> None:
    assert owner.password.startswith("argon2")


def test_a_guessed_password_is_refused_after_five_tries_even_when_right(
    client: Client, owner: User
) -> None:
    for _ in range(5):
        assert (
            "do not match"
            in client.post(
                "/desk/login/", {"username": "alice", "password": "guess"}
            ).content.decode()
        )
    right = client.post("/desk/login/", {"username": "Alice", "password": PASSWORD})
    assert right.status_code == 200
    assert "Too many attempts; try again in 15 minutes." in right.content.decode()
    assert client.get("/desk/").status_code == 302
    # The window passes: the right password works again and clears the count.
    DeskLoginCounter.objects.update(started_at=timezone.now() - dt.timedelta(minutes=16))
    assert (
        client.post("/desk/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    )
    assert not DeskLoginCounter.objects.filter(scope="user").exists()


def test_one_address_trying_many_user_names_is_refused_but_others_are_not(
    client: Client, owner: User
) -> None:
    for n in range(20):
        client.post("/desk/login/", {"username": f"guess{n}", "password": "guess"})
    refused = client.post("/desk/login/", {"username": "alice", "password": PASSWORD})
    assert "Too many attempts" in refused.content.decode()
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        elsewhere.post("/desk/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )


def test_the_maintenance_pages_log_in_is_throttled_too(client: Client, owner: User) -> None:
    for _ in range(5):
        client.post("/desk/admin/login/", {"username": "alice", "password": "guess"})
    refused = client.post(
        "/desk/admin/login/?next=/desk/admin/", {"username": "alice", "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert "Too many attempts; try again in 15 minutes." in refused.content.decode()


def test_a_wrong_password_and_an_unknown_user_get_the_same_page(owner: User) -> None:
    """Issue 13 (attacks): the desk's log-in tells nobody which user names exist, before
    the throttle and once it refuses."""
    for expected in ["do not match"] * 5 + ["Too many attempts"]:
        known = Client().post("/desk/login/", {"username": "alice", "password": "guess"})
        unknown = Client().post("/desk/login/", {"username": "nobody", "password": "guess"})
        assert known.status_code == unknown.status_code == 200
        assert expected in known.content.decode()
        same = [
            CSRF_TOKEN.sub("", r.content.decode()).replace(name, "X")
            for r, name in ((known, '"alice"'), (unknown, '"nobody"'))
        ]
        assert same[0] == same[1]


def test_a_forged_forwarded_for_does_not_dodge_the_desks_throttle(owner: User) -> None:
    """Issue 13 (attacks): with no proxy trusted, X-Forwarded-For is the visitor's to write
    and is ignored; each guess with a new forged address still counts for the user."""
    for n in range(5):
        Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/desk/login/", {"username": "alice", "password": "guess"}
        )
    refused = Client(HTTP_X_FORWARDED_FOR="192.0.2.99").post(
        "/desk/login/", {"username": "alice", "password": PASSWORD}
    )
    assert "Too many attempts; try again in 15 minutes." in refused.content.decode()
