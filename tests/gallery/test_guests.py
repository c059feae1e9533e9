"""Guests of private and public events sign up with their own login (the clients' password
rules), open it with the link mailed to them, are signed in then with a new session key,
and keep their own favourites."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account, AccountKind
from proofroom.gallery.feed import Change
from proofroom.gallery.mail import MailKind, OutgoingMail
from proofroom.gallery.selections import Favourite
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import ChangeKind, EventType
from tests.cast import JSON, Published, publish, sign_in

pytestmark = pytest.mark.django_db

MIA = {
    "first_name": "Mia",
    "last_name": "Lund",
    "email": "mia@lund.example",
    "new_password": "paper-lanterns-at-dusk",
    "repeat_password": "paper-lanterns-at-dusk",
}


def signup(published: Published) -> str:
    return f"/s/northlight/e/{published.session.uuid}/guest/"


CHECK_EMAIL = "Check your email"


def mails_to(email: str, kind: str) -> list[OutgoingMail]:
    return [m for m in OutgoingMail.objects.filter(kind=kind).order_by("pk") if m.to == [email]]


def confirm_link(email: str = "mia@lund.example") -> str:
    """The path of the link in the latest sign-up mail to ``email``."""
    (*_, mail) = mails_to(email, MailKind.GUEST_CONFIRM)
    found = re.search(r"http://testserver(/s/northlight/guest/\S+/)", mail.text)
    assert found is not None, mail.text
    return found.group(1)


def sign_up_and_confirm(client: Client, published: Published) -> None:
    assert CHECK_EMAIL in client.post(signup(published), MIA).content.decode()
    assert client.post(confirm_link())["Location"] == f"/s/northlight/e/{published.session.uuid}/"


@pytest.fixture
def private(gallery_studio: Studio, ada: Account) -> Published:
    return publish(gallery_studio, ada, images=4, event_type=EventType.PRIVATE, code="LAKE2026")


def session_key(client: Client) -> str:
    return client.cookies["proofroom_gallery"].value


def test_a_guest_signs_up_on_a_private_event_with_its_code(
    client: Client, private: Published
) -> None:
    assert client.get(signup(private)).status_code == 404  # no code yet
    client.post("/s/northlight/code/", {"code": "lake2026"})
    form = client.get(signup(private)).content.decode()
    assert "Create a guest login" in form and 'autocomplete="new-password"' in form
    before = session_key(client)

    sent = client.post(signup(private), MIA)
    assert sent.status_code == 200 and CHECK_EMAIL in sent.content.decode()
    assert not Change.objects.filter(kind=ChangeKind.GUEST).exists()  # not before the link
    event = f"/s/northlight/e/{private.session.uuid}/"
    opened = client.get(confirm_link())  # a mail scanner fetching the link opens nothing
    assert "Open my guest login" in opened.content.decode()
    assert Account.objects.get(email="mia@lund.example").pending
    done = client.post(confirm_link())
    assert done.status_code == 302 and done["Location"] == event
    mia = Account.objects.get(email="mia@lund.example")
    assert (mia.kind, mia.username, mia.must_set_password) == (AccountKind.GUEST, mia.email, False)
    assert session_key(client) != before  # a new key: no session fixation
    again = Client().post(confirm_link())  # the link signs in once; then the password does
    assert again["Location"].startswith("/s/northlight/login/")
    page = client.get(event).content.decode()
    assert "Mia Lund" in page
    assert 'aria-label="Favourite IMG_0001.jpg"' in page  # the grid is still open to her
    change = Change.objects.get(kind=ChangeKind.GUEST)
    assert change.payload["session"] == str(private.session.uuid)
    assert change.payload["email"] == "mia@lund.example"


def test_a_guest_signs_up_on_a_public_event_and_hearts_their_own(
    client: Client, ada: Account, public_event: Published
) -> None:
    sign_up_and_confirm(client, public_event)
    page = client.get(f"/s/northlight/e/{public_event.session.uuid}/").content.decode()
    assert "Welcome, Mia." in page
    heart = (
        f"/s/northlight/e/{public_event.session.uuid}/i/{public_event.images[2].uuid}/favourite/"
    )
    assert client.post(heart, {"on": "1"}, headers=JSON).json()["count"] == 1
    mia = Account.objects.get(email="mia@lund.example")
    assert list(Favourite.objects.values_list("account", flat=True)) == [mia.pk]
    assert not Favourite.objects.filter(account=ada).exists()


def test_a_client_only_session_has_no_guest_sign_up(
    client: Client, ada: Account, published: Published
) -> None:
    assert client.get(signup(published)).status_code == 404
    assert client.post(signup(published), MIA).status_code == 404
    sign_in(client, ada)
    assert client.get(signup(published)).status_code == 404
    assert not Account.objects.filter(kind=AccountKind.GUEST).exists()
    body = client.get(f"/s/northlight/e/{published.session.uuid}/").content.decode()
    assert "guest" not in body.lower()


def test_the_event_page_offers_a_guest_login_to_keep_favourites(
    client: Client, public_event: Published
) -> None:
    public = client.get(f"/s/northlight/e/{public_event.session.uuid}/").content.decode()
    assert "Sign in or create a guest login to keep favourites." in public
    assert f'href="{signup(public_event)}"' in public


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "This password is too short."),
        ("1234567890123", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("lund", "Choose a password other than your last name."),
        ("mia@lund.example", "The password is too similar to the user name."),
    ],
)
def test_the_password_rules_are_the_clients(
    client: Client, public_event: Published, password: str, problem: str
) -> None:
    response = client.post(
        signup(public_event), MIA | {"new_password": password, "repeat_password": password}
    )
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not Account.objects.filter(kind=AccountKind.GUEST).exists()


def test_the_two_passwords_must_match_and_every_field_is_needed(
    client: Client, public_event: Published
) -> None:
    differ = client.post(signup(public_event), MIA | {"repeat_password": "paper-lanterns-at-dawn"})
    assert "The two passwords differ." in differ.content.decode()
    missing = client.post(signup(public_event), MIA | {"first_name": " ", "email": "not-an-email"})
    body = missing.content.decode()
    assert "This field is required." in body and "Enter a valid email address." in body
    assert not Account.objects.filter(kind=AccountKind.GUEST).exists()


def test_a_signed_in_visitor_goes_straight_back_to_the_event(
    client: Client, ada: Account, public_event: Published
) -> None:
    sign_in(client, ada)
    response = client.get(signup(public_event))
    assert response.status_code == 302
    assert response["Location"] == f"/s/northlight/e/{public_event.session.uuid}/"


def test_the_guest_sign_up_of_another_studios_event_is_not_found(
    client: Client, rival_studio: Studio, rival_client: Account
) -> None:
    rival = publish(rival_studio, rival_client, images=1, event_type=EventType.PUBLIC)
    assert client.get(f"/s/northlight/e/{rival.session.uuid}/guest/").status_code == 404
    assert client.post(f"/s/northlight/e/{rival.session.uuid}/guest/", MIA).status_code == 404
    assert not Account.objects.filter(kind=AccountKind.GUEST).exists()


def test_a_guest_signs_in_again_later_with_their_email(
    client: Client, public_event: Published
) -> None:
    sign_up_and_confirm(client, public_event)
    later = Client()
    response = later.post(
        "/s/northlight/login/", {"username": "mia@lund.example", "password": MIA["new_password"]}
    )
    assert response.status_code == 302


def test_guest_sign_ups_are_limited_per_address(client: Client, public_event: Published) -> None:
    from proofroom.gallery.throttle import LIMITS

    for n in range(LIMITS["signup"]):
        client.post("/s/northlight/logout/")
        client.post(signup(public_event), {**MIA, "email": f"mia{n}@lund.example"})
    client.post("/s/northlight/logout/")
    refused = client.post(signup(public_event), {**MIA, "email": "one.more@lund.example"})
    assert "Too many new logins from here" in refused.content.decode()
    assert Account.objects.filter(kind=AccountKind.GUEST).count() == LIMITS["signup"]


def test_my_galleries_lists_the_events_a_guest_signed_up_on_and_lets_them_back_in(
    client: Client, private: Published
) -> None:
    client.post("/s/northlight/code/", {"code": "lake2026"})
    sign_up_and_confirm(client, private)
    home = client.get("/s/northlight/home/").content.decode()
    assert private.session.title in home and "You have no galleries online" not in home
    assert f'href="/s/northlight/e/{private.session.uuid}/"' in home

    # Another day, another browser: signing in is the way back, no code typed again.
    other = Client()
    mia = Account.objects.get(email="mia@lund.example")
    sign_in(other, mia, MIA["new_password"])
    home = other.get("/s/northlight/home/").content.decode()
    assert f'href="/s/northlight/e/{private.session.uuid}/"' in home
    event = other.get(f"/s/northlight/e/{private.session.uuid}/")
    assert event.status_code == 200 and 'aria-label="Favourite IMG_0001.jpg"' in (
        event.content.decode()
    )

    # The studio changes the event's code: the old sign-up no longer opens it.
    type(private.session).objects.filter(pk=private.session.pk).update(event_code="NEWCODE")
    late = Client()
    sign_in(late, mia, MIA["new_password"])
    assert private.session.title not in late.get("/s/northlight/home/").content.decode()
    assert late.get(f"/s/northlight/e/{private.session.uuid}/").status_code == 404
