"""Issue 13, attacker's pass: open redirects through ``next`` (and every other redirect
target taken from input), on both sides' logins and wherever else ``next`` is read."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.tenants import Studio
from proofroom.studio.studios import Studio as DeskStudio
from tests.cast import JSON, OWN_PASSWORD, PASSWORD, Published, give_own_password, sign_in

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/s/northlight/\\\\evil.example",  # our prefix, then a scheme-relative turn
    " //evil.example",
    "http:/evil.example",
    "/s/northlight/\r\nSet-Cookie: x=1",
]


def stays_home(location: str) -> bool:
    """A redirect that cannot leave the site: a path of ours, nothing a browser reads as a
    host or a script (browsers read a backslash as a slash)."""
    parts = urlsplit(location.replace("\\", "/"))
    return (
        location.startswith("/")
        and not location.replace("\\", "/").startswith("//")
        and not parts.scheme
        and not parts.netloc
        and not any(c in location for c in "\r\n\t ")
    )


def test_the_gallery_login_never_follows_a_foreign_next(ada: Account, published: Published) -> None:
    """Issue 13 (attacker): after signing in the client lands on her galleries, not on the
    attacker's page, whatever ``next`` says."""
    give_own_password(ada)
    for target in HOSTILE:
        browser = Client()
        page = browser.get("/s/northlight/login/", {"next": target})
        assert page.status_code == 200
        answer = browser.post(
            "/s/northlight/login/",
            {"username": ada.username, "password": OWN_PASSWORD, "next": target},
        )
        assert answer.status_code == 302, target
        assert stays_home(answer["Location"]), (target, answer["Location"])
        assert answer["Location"].startswith("/s/northlight/"), (target, answer["Location"])


def test_choosing_your_password_never_follows_a_foreign_next(gallery_studio: Studio) -> None:
    from tests.cast import make_client

    for n, target in enumerate(HOSTILE):
        account = make_client(gallery_studio, email=f"ada{n}@souza.example")
        browser = Client()
        first = browser.post(
            "/s/northlight/login/",
            {"username": account.username, "password": "Souza", "next": target},
        )
        assert first.status_code == 302 and stays_home(first["Location"]), target
        chosen = browser.post(
            "/s/northlight/password/",
            {"new_password": OWN_PASSWORD, "repeat_password": OWN_PASSWORD, "next": target},
        )
        assert chosen.status_code == 302, (target, chosen.content.decode()[:300])
        assert stays_home(chosen["Location"]), (target, chosen["Location"])
        assert chosen["Location"].startswith("/s/northlight/"), (target, chosen["Location"])


def test_the_gallerys_forms_go_back_only_to_its_own_pages(
    ada: Account, published: Published
) -> None:
    """Hearts, groups and the cart post a ``next`` to come back to: never a foreign one."""
    browser = Client()
    sign_in(browser, ada)
    event = f"/s/northlight/e/{published.session.uuid}/"
    image = published.images[0].uuid
    for target in HOSTILE:
        for url, data in (
            (f"{event}i/{image}/favourite/", {"on": "1"}),
            (f"{event}groups/", {"name": "Keepers"}),
            (f"{event}cart/add/", {"product": "x", "image": str(image), "quantity": "1"}),
        ):
            answer = browser.post(url, {**data, "next": target})
            assert answer.status_code == 302, (url, target)
            assert stays_home(answer["Location"]), (url, target, answer["Location"])
            assert answer["Location"].startswith("/s/northlight/"), (url, target)


def test_a_sign_in_link_carries_next_but_never_follows_it_elsewhere(
    ada: Account, published: Published
) -> None:
    """An anonymous visitor who must sign in is sent to the login with ``next`` set to the
    page, and the script's JSON points there too: both stay on the site."""
    browser = Client()
    event = f"/s/northlight/e/{published.session.uuid}/"
    answer = browser.post(
        f"{event}i/{published.images[0].uuid}/favourite/",
        {"on": "1", "next": "//evil.example"},
        headers=JSON,
    )
    assert answer.status_code == 404  # a client-only gallery: not even its existence
    assert "evil.example" not in answer.content.decode()


def test_the_desk_login_never_follows_a_foreign_next(studio: DeskStudio, owner: User) -> None:
    """Issue 13 (attacker): the desk's own login and the maintenance login."""
    for target in HOSTILE:
        for login in ("/desk/login/", "/desk/admin/login/"):
            browser = Client()
            answer = browser.post(
                f"{login}?next={target}",
                {"username": owner.username, "password": PASSWORD, "next": target},
            )
            assert answer.status_code == 302, (login, target, answer.status_code)
            assert stays_home(answer["Location"]), (login, target, answer["Location"])


def test_the_desk_logout_never_follows_a_foreign_next(studio: DeskStudio, owner: User) -> None:
    for target in HOSTILE:
        browser = Client()
        browser.force_login(owner)
        answer = browser.post("/desk/logout/", {"next": target})
        assert answer.status_code in (200, 302), target
        if answer.status_code == 302:
            assert stays_home(answer["Location"]), (target, answer["Location"])
