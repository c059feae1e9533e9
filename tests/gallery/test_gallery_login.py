"""Client logins on the gallery: the default works once, then the client's own password;
wrong user names and passwords look alike; failures are throttled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from proofroom.gallery.accounts import Account, account_set_password
from proofroom.gallery.tenants import Studio
from proofroom.gallery.throttle import AttemptCounter
from proofroom.sync.protocol import EventType
from tests.cast import OWN_PASSWORD, Published, give_own_password, login, publish, sign_in

pytestmark = pytest.mark.django_db

REFUSED = "That user name and password do not match."
TOO_MANY = "Too many attempts; try again in 15 minutes."


def test_first_login_with_email_and_last_name_in_any_case_must_set_a_password(
    client: Client, published: Published
) -> None:
    response = login(client, "ADA@souza.example", "sOUZA")
    assert response.status_code == 302
    assert response["Location"] == "/s/northlight/password/"
    page = client.get("/s/northlight/password/").content.decode()
    assert "Choose your own password" in page
    assert "your last name" in page and "only this once" in page
    assert published.session.title not in page


@pytest.mark.parametrize(
    "path",
    [
        "/s/northlight/",
        "/s/northlight/home/",
        "/s/northlight/account/",
        "/s/northlight/events/",
        "/s/northlight/code/",
        "/",
    ],
)
def test_until_the_password_is_set_every_page_leads_to_it(
    client: Client, published: Published, path: str
) -> None:
    login(client, "ada@souza.example", "souza")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/s/northlight/password/"


def test_until_the_password_is_set_the_gallery_and_its_images_are_held_back(
    client: Client, published: Published
) -> None:
    login(client, "ada@souza.example", "souza")
    session, image = published.session, published.images[0]
    for path in (
        f"/s/northlight/e/{session.uuid}/",
        f"/s/northlight/e/{session.uuid}/i/{image.uuid}/",
        f"/s/northlight/i/{image.uuid}/thumb/",
        f"/s/northlight/i/{image.uuid}/preview/",
    ):
        assert client.get(path)["Location"] == "/s/northlight/password/", path


def test_sign_out_works_before_the_password_is_set(client: Client, published: Published) -> None:
    login(client, "ada@souza.example", "souza")
    response = client.post("/s/northlight/logout/")
    assert response["Location"] == "/s/northlight/"
    assert client.get("/s/northlight/").status_code == 200


def test_the_last_name_is_refused_as_the_new_password(client: Client, ada: Account) -> None:
    login(client, "ada@souza.example", "souza")
    response = client.post(
        "/s/northlight/password/", {"new_password": "Souza", "repeat_password": "Souza"}
    )
    assert response.status_code == 200
    assert "Choose a password other than your last name." in response.content.decode()
    ada.refresh_from_db()
    assert ada.must_set_password


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short7", "This password is too short."),
        ("password123", "This password is too common."),
        ("ada@souza.example1", "The password is too similar to the"),
        ("83749201938", "This password is entirely numeric."),
    ],
)
def test_new_passwords_follow_the_rules(
    client: Client, ada: Account, password: str, message: str
) -> None:
    login(client, "ada@souza.example", "souza")
    response = client.post(
        "/s/northlight/password/", {"new_password": password, "repeat_password": password}
    )
    assert message in response.content.decode()


def test_the_two_new_passwords_must_match(client: Client, ada: Account) -> None:
    login(client, "ada@souza.example", "souza")
    response = client.post(
        "/s/northlight/password/",
        {"new_password": OWN_PASSWORD, "repeat_password": OWN_PASSWORD + "x"},
    )
    assert "The two passwords differ." in response.content.decode()


def test_after_setting_a_password_the_default_no_longer_works(
    client: Client, published: Published
) -> None:
    login(client, "ada@souza.example", "souza")
    response = client.post(
        "/s/northlight/password/", {"new_password": OWN_PASSWORD, "repeat_password": OWN_PASSWORD}
    )
    assert response["Location"] == "/s/northlight/home/"
    home = client.get("/s/northlight/home/").content.decode()
    assert published.session.title in home

    other = Client()
    assert REFUSED in login(other, "ada@souza.example", "souza").content.decode()
    assert login(other, "ada@souza.example", OWN_PASSWORD)["Location"] == "/s/northlight/home/"


def test_wrong_password_and_unknown_user_name_look_the_same(client: Client, ada: Account) -> None:
    give_own_password(ada)
    wrong_password = login(client, "ada@souza.example", "not-my-password")
    unknown_user = login(client, "nobody@souza.example", "not-my-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert REFUSED in wrong_password.content.decode()
    assert REFUSED in unknown_user.content.decode()
    assert client.get("/s/northlight/home/").status_code == 302


def test_login_follows_a_safe_next_and_ignores_another_site(
    client: Client, ada: Account, published: Published
) -> None:
    give_own_password(ada)
    target = f"/s/northlight/e/{published.session.uuid}/"
    assert login(client, "ada@souza.example", OWN_PASSWORD, next=target)["Location"] == target
    assert (
        login(
            Client(), "ada@souza.example", OWN_PASSWORD, next="https://evil.example/s/northlight/"
        )["Location"]
        == "/s/northlight/home/"
    )


def test_the_sixth_attempt_is_refused_even_with_the_right_password_until_the_window_passes(
    client: Client, ada: Account
) -> None:
    give_own_password(ada)
    for _ in range(5):
        assert REFUSED in login(client, "ada@souza.example", "wrong-guess").content.decode()
    response = login(client, "ada@souza.example", OWN_PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert response.status_code == 200

    AttemptCounter.objects.update(started_at=timezone.now() - dt.timedelta(minutes=16))
    assert login(client, "ada@souza.example", OWN_PASSWORD)["Location"] == "/s/northlight/home/"


def test_the_throttle_counts_the_user_name_in_any_case(client: Client, ada: Account) -> None:
    give_own_password(ada)
    for name in ("ada@souza.example", "ADA@souza.example", "Ada@Souza.Example") * 2:
        login(client, name, "wrong-guess")
    assert TOO_MANY in login(client, "ada@souza.example", OWN_PASSWORD).content.decode()


def test_a_successful_login_clears_the_accounts_failures(client: Client, ada: Account) -> None:
    give_own_password(ada)
    for _ in range(4):
        login(client, "ada@souza.example", "wrong-guess")
    assert login(client, "ada@souza.example", OWN_PASSWORD).status_code == 302
    for _ in range(4):
        login(Client(), "ada@souza.example", "wrong-guess")
    assert login(Client(), "ada@souza.example", OWN_PASSWORD).status_code == 302


def test_one_address_trying_many_user_names_is_throttled(client: Client, ada: Account) -> None:
    give_own_password(ada)
    for n in range(20):
        login(client, f"guess{n}@souza.example", "wrong-guess")
    assert TOO_MANY in login(client, "ada@souza.example", OWN_PASSWORD).content.decode()
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert login(other_address, "ada@souza.example", OWN_PASSWORD).status_code == 302


def test_behind_a_load_balancer_each_visitor_is_counted_apart_and_cannot_pose_as_another(
    ada: Account, settings
) -> None:  # type: ignore[no-untyped-def]
    """Every request comes from the balancer's address; with PROOFROOM_TRUSTED_PROXIES=1
    the client is the address the balancer appended to X-Forwarded-For."""
    give_own_password(ada)
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    guesser = Client(**balancer, HTTP_X_FORWARDED_FOR="203.0.113.7")
    visitor = Client(**balancer, HTTP_X_FORWARDED_FOR="198.51.100.20")

    # Without the setting the balancer is the only address: one guesser locks all out.
    for n in range(20):
        login(guesser, f"guess{n}@souza.example", "wrong-guess")
    assert TOO_MANY in login(visitor, "ada@souza.example", OWN_PASSWORD).content.decode()

    AttemptCounter.objects.all().delete()
    settings.TRUSTED_PROXIES = 1
    for n in range(20):
        login(guesser, f"guess{n}@souza.example", "wrong-guess")
    assert TOO_MANY in login(guesser, "ada@souza.example", OWN_PASSWORD).content.decode()
    # A forged first entry changes nothing: the balancer's own entry is the one believed.
    forged = Client(**balancer, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert TOO_MANY in login(forged, "ada@souza.example", OWN_PASSWORD).content.decode()
    assert login(visitor, "ada@souza.example", OWN_PASSWORD).status_code == 302


def test_login_rotates_the_session_key(
    client: Client, ada: Account, gallery_studio: Studio
) -> None:
    give_own_password(ada)
    publish(gallery_studio, ada, images=1, event_type=EventType.PRIVATE, code="LAKE")
    client.post("/s/northlight/code/", {"code": "lake"})
    before = client.cookies["proofroom_gallery"].value
    login(client, "ada@souza.example", OWN_PASSWORD)
    assert client.cookies["proofroom_gallery"].value != before


def test_a_password_changed_elsewhere_signs_this_browser_out(
    client: Client, ada: Account, published: Published
) -> None:
    sign_in(client, ada)
    assert client.get("/s/northlight/home/").status_code == 200
    account_set_password(account=ada, password="a-brand-new-secret-9")
    response = client.get("/s/northlight/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/s/northlight/login/?next=")


def test_sign_out_is_a_post_and_ends_the_login(client: Client, ada: Account) -> None:
    sign_in(client, ada)
    assert client.get("/s/northlight/logout/").status_code == 405
    client.post("/s/northlight/logout/")
    assert client.get("/s/northlight/home/").status_code == 302


def test_the_header_shows_sign_in_or_the_person(client: Client, ada: Account) -> None:
    page = client.get("/s/northlight/").content.decode()
    assert 'href="/s/northlight/login/"' in page and "My galleries" not in page
    sign_in(client, ada)
    page = client.get("/s/northlight/").content.decode()
    assert "Ada Souza" in page and "My galleries" in page and "Sign out" in page


def test_a_login_is_for_one_studio_only(client: Client, ada: Account, rival_studio: Studio) -> None:
    give_own_password(ada)
    response = client.post(
        "/s/rival/login/", {"username": "ada@souza.example", "password": OWN_PASSWORD}
    )
    assert REFUSED in response.content.decode()


class TestAccountPage:
    def test_change_the_user_name_with_the_current_password(
        self, client: Client, ada: Account
    ) -> None:
        sign_in(client, ada)
        response = client.post(
            "/s/northlight/account/username/",
            {"name-username": "ada.s", "name-current_password": "nope"},
        )
        assert "That is not your current password." in response.content.decode()
        response = client.post(
            "/s/northlight/account/username/",
            {
                "name-username": "ada.s",
                "name-current_password": OWN_PASSWORD,
            },
        )
        assert response.status_code == 302
        ada.refresh_from_db()
        assert ada.username == "ada.s"
        assert login(Client(), "ada.s", OWN_PASSWORD).status_code == 302

    def test_a_taken_user_name_is_refused(
        self, client: Client, ada: Account, gallery_studio: Studio
    ) -> None:
        from tests.cast import make_client

        make_client(gallery_studio, first="Bea", last="Lima", email="bea@lima.example")
        sign_in(client, ada)
        response = client.post(
            "/s/northlight/account/username/",
            {
                "name-username": "BEA@lima.example",
                "name-current_password": OWN_PASSWORD,
            },
        )
        assert "That user name is taken." in response.content.decode()

    def test_change_the_password_keeps_this_browser_and_signs_out_others(
        self, client: Client, ada: Account
    ) -> None:
        sign_in(client, ada)
        elsewhere = Client()
        sign_in(elsewhere, ada)
        response = client.post(
            "/s/northlight/account/password/",
            {
                "pw-current_password": OWN_PASSWORD,
                "pw-new_password": "a-brand-new-secret-9",
                "pw-repeat_password": "a-brand-new-secret-9",
            },
        )
        assert response.status_code == 302
        assert client.get("/s/northlight/home/").status_code == 200
        assert elsewhere.get("/s/northlight/home/").status_code == 302
        assert REFUSED in login(Client(), "ada@souza.example", OWN_PASSWORD).content.decode()

    def test_the_new_password_follows_the_rules(self, client: Client, ada: Account) -> None:
        sign_in(client, ada)
        response = client.post(
            "/s/northlight/account/password/",
            {
                "pw-current_password": OWN_PASSWORD,
                "pw-new_password": "souza",
                "pw-repeat_password": "souza",
            },
        )
        assert "Choose a password other than your last name." in response.content.decode()

    def test_the_account_page_needs_a_login(self, client: Client, ada: Account) -> None:
        response = client.get("/s/northlight/account/")
        assert response["Location"] == "/s/northlight/login/?next=%2Fs%2Fnorthlight%2Faccount%2F"
