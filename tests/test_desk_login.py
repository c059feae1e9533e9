"""Staff log in to the desk; the desk and the gallery keep separate sessions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import PASSWORD

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
