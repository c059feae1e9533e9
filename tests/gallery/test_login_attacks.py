"""Logins as an attacker tries them: passwords like the name, locking a client out,
forged X-Forwarded-For headers, and telling who has an account from the answers."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from proofroom.gallery.accounts import Account, AccountKind
from proofroom.gallery.mail import MailKind, OutgoingMail
from proofroom.gallery.throttle import LIMITS
from proofroom.sync.protocol import EventType
from tests.cast import CSRF_TOKEN, OWN_PASSWORD, Published, give_own_password, login, publish
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db

REFUSED = "That user name and password do not match."
TOO_MANY = "Too many attempts; try again in 15 minutes."
CONTAINS_NAME = "Choose a password that does not contain your name or your email address."
BALANCER = {"REMOTE_ADDR": "10.0.0.2"}


def page(response, *replace: str) -> str:  # type: ignore[no-untyped-def]
    """The page without what differs by design (the CSRF token, what the visitor typed)."""
    body = CSRF_TOKEN.sub("csrf", response.content.decode())
    for typed in replace:
        body = body.replace(typed, "TYPED")
    return body


# --------------------------------------------------------------------------- defect 10


@pytest.mark.parametrize(
    "password", ["souza12345", "SOUZA-by-the-sea", "dear-ada-of-the-lake", "lovelace-ada-99"]
)
def test_a_password_containing_the_clients_name_is_refused(
    client: Client, ada: Account, password: str
) -> None:
    """Issue 13, defect 10: ``souza12345`` was accepted for a client called Souza; a
    password may not contain the first or last name or the email's local part."""
    login(client, "ada@souza.example", "souza")
    response = client.post(
        "/s/northlight/password/", {"new_password": password, "repeat_password": password}
    )
    assert response.status_code == 200
    assert CONTAINS_NAME in response.content.decode()
    ada.refresh_from_db()
    assert ada.must_set_password


def test_names_shorter_than_three_letters_and_other_passwords_are_fine(
    client: Client, gallery_studio
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 10: the rule is about names of three letters or more."""
    from tests.cast import make_client

    wu = make_client(gallery_studio, first="Li", last="Wu", email="li.wu@wu.example")
    login(client, "li.wu@wu.example", "wu")
    response = client.post(
        "/s/northlight/password/",
        {"new_password": "lilacs-wuthering-9", "repeat_password": "lilacs-wuthering-9"},
    )
    assert response.status_code == 302
    wu.refresh_from_db()
    assert not wu.must_set_password


def test_a_guest_password_containing_the_email_name_is_refused(
    client: Client, public_event: Published
) -> None:
    """Issue 13, defect 10: the guest sign-up follows the same rule (the email's local part)."""
    response = client.post(
        f"/s/northlight/e/{public_event.session.uuid}/guest/",
        {
            "first_name": "Mia",
            "last_name": "Lund",
            "email": "paperfox@lund.example",
            "new_password": "PaperFox-2026-lanterns",
            "repeat_password": "PaperFox-2026-lanterns",
        },
    )
    assert CONTAINS_NAME in response.content.decode()
    assert not Account.objects.filter(kind=AccountKind.GUEST).exists()


# --------------------------------------------------------------------------- defect 11


def test_wrong_passwords_from_elsewhere_do_not_lock_the_client_out(ada: Account) -> None:
    """Issue 13, defect 11: five wrong passwords from an attacker's address locked the
    account for everybody; the client, from her own address, is let in."""
    give_own_password(ada)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(LIMITS["pair"]):
        assert REFUSED in login(attacker, "ada@souza.example", "guess-again-1").content.decode()
    assert TOO_MANY in login(attacker, "ada@souza.example", OWN_PASSWORD).content.decode()
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert login(owner, "ada@souza.example", OWN_PASSWORD)["Location"] == "/s/northlight/home/"


def test_a_guesser_with_many_addresses_meets_the_accounts_ceiling_but_a_known_browser_does_not(
    ada: Account,
) -> None:
    """Issue 13, defect 11: guessing from many addresses stops at the account's much higher
    ceiling; the client's own browser, which signed in before, still gets in, even from
    the address the guesses came from."""
    give_own_password(ada)
    laptop = Client(REMOTE_ADDR="198.51.100.20")
    assert login(laptop, "ada@souza.example", OWN_PASSWORD).status_code == 302
    laptop.post("/s/northlight/logout/")
    guesses = 0
    for n in range(LIMITS["account"] // LIMITS["pair"]):
        bot = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        for _ in range(LIMITS["pair"]):
            assert REFUSED in login(bot, "ada@souza.example", "guess-again-1").content.decode()
            guesses += 1
    assert guesses == LIMITS["account"]
    new_address = Client(REMOTE_ADDR="192.0.2.77")
    assert TOO_MANY in login(new_address, "ada@souza.example", OWN_PASSWORD).content.decode()

    assert login(laptop, "ada@souza.example", OWN_PASSWORD)["Location"] == "/s/northlight/home/"
    # The same browser, taken to the bots' address (a shared café network): still hers.
    laptop.post("/s/northlight/logout/")
    laptop.defaults["REMOTE_ADDR"] = "203.0.113.1"
    assert login(laptop, "ada@souza.example", OWN_PASSWORD).status_code == 302


def test_a_known_browser_is_throttled_on_its_own_and_its_cookie_fits_no_other_account(
    gallery_studio, ada: Account
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 11: the device cookie is signed and names its account: guessing from
    that browser is throttled like anywhere, and it frees no other account."""
    from tests.cast import make_client

    give_own_password(ada)
    bea = give_own_password(
        make_client(gallery_studio, first="Bea", last="Brandt", email="bea@brandt.example")
    )
    laptop = Client(REMOTE_ADDR="198.51.100.20")
    assert login(laptop, "ada@souza.example", OWN_PASSWORD).status_code == 302
    laptop.post("/s/northlight/logout/")
    for _ in range(LIMITS["device"]):
        login(laptop, "ada@souza.example", "guess-again-1")
    assert TOO_MANY in login(laptop, "ada@souza.example", OWN_PASSWORD).content.decode()
    for _ in range(LIMITS["pair"]):
        login(laptop, bea.username, "guess-again-1")
    assert TOO_MANY in login(laptop, bea.username, OWN_PASSWORD).content.decode()
    laptop.cookies["proofroom_device"] = "forged-value"
    assert TOO_MANY in login(laptop, bea.username, OWN_PASSWORD).content.decode()


# --------------------------------------------------------------------------- forged headers


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_a_forged_forwarded_for_neither_dodges_nor_resets_the_login_throttle(
    ada: Account, settings, trusted_proxies: int
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13 (attacks): a guesser who writes a new address into X-Forwarded-For with
    every try is still counted as one address, with or without a proxy in front."""
    settings.TRUSTED_PROXIES = trusted_proxies
    give_own_password(ada)
    real = "203.0.113.7" if trusted_proxies else BALANCER["REMOTE_ADDR"]

    def guesser(n: int) -> Client:
        forged = f"192.0.2.{n}"
        header = f"{forged}, {real}" if trusted_proxies else forged
        return Client(**BALANCER, HTTP_X_FORWARDED_FOR=header)

    for n in range(LIMITS["pair"]):
        assert REFUSED in login(guesser(n), "ada@souza.example", "guess-1").content.decode()
    assert TOO_MANY in login(guesser(99), "ada@souza.example", OWN_PASSWORD).content.decode()
    for n in range(LIMITS["address"] - LIMITS["pair"]):
        login(guesser(n), f"guess{n}@souza.example", "guess-1")
    assert TOO_MANY in login(guesser(98), "bea@souza.example", "guess-1").content.decode()


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_a_forged_forwarded_for_neither_dodges_nor_resets_the_code_throttle(
    gallery_studio, ada: Account, settings, trusted_proxies: int
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13 (attacks): event codes are throttled per address; a forged header changes
    nothing, and a right code from the same guesser is refused once the limit is reached."""
    settings.TRUSTED_PROXIES = trusted_proxies
    publish(gallery_studio, ada, images=1, event_type=EventType.PRIVATE, code="LAKE2026")
    real = "203.0.113.7" if trusted_proxies else BALANCER["REMOTE_ADDR"]

    def guesser(n: int) -> Client:
        forged = f"192.0.2.{n}"
        header = f"{forged}, {real}" if trusted_proxies else forged
        return Client(**BALANCER, HTTP_X_FORWARDED_FOR=header)

    for n in range(LIMITS["code"]):
        guesser(n).post("/s/northlight/code/", {"code": f"GUESS{n}"})
    refused = guesser(77).post("/s/northlight/code/", {"code": "LAKE2026"})
    assert refused.status_code == 200
    assert TOO_MANY in refused.content.decode()


# --------------------------------------------------------------------------- enumeration


def test_login_answers_a_wrong_password_and_an_unknown_name_with_the_same_page(
    ada: Account,
) -> None:
    """Issue 13 (attacks): same status, same page for an account that exists and one that
    does not, before and after the throttle."""
    give_own_password(ada)
    for expected in [REFUSED] * LIMITS["pair"] + [TOO_MANY]:
        known = login(Client(), "ada@souza.example", "guess-again-1")
        unknown = login(Client(), "nobody@souza.example", "guess-again-1")
        assert known.status_code == unknown.status_code == 200
        assert expected in known.content.decode()
        assert page(known, "ada@souza.example") == page(unknown, "nobody@souza.example")


SIGNUP = {
    "first_name": "Mia",
    "last_name": "Lund",
    "new_password": "paper-lanterns-at-dusk",
    "repeat_password": "paper-lanterns-at-dusk",
}


def test_guest_sign_up_answers_a_known_and_a_new_email_alike_and_tells_the_owner_by_mail(
    ada: Account,
    public_event: Published,
    smtp: Inbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """Issue 13, defect 12: an existing email was told "An account with this email exists
    already" and a new one was signed in. Now both get the same "check your email" page;
    the owner of the known address is told by mail, with a link to sign in, and the new
    address gets the link that opens its guest login."""
    url = f"/s/northlight/e/{public_event.session.uuid}/guest/"
    with django_capture_on_commit_callbacks(execute=True, using=django_settings.GALLERY_DB):
        known = Client().post(url, SIGNUP | {"email": "ADA@souza.example"})
        new = Client().post(url, SIGNUP | {"email": "mia@lund.example"})
    assert known.status_code == new.status_code == 200
    assert page(known, "ADA@souza.example") == page(new, "mia@lund.example")
    assert "Check your email" in new.content.decode()
    # Neither browser is signed in; no second login for Ada's address.
    assert not Account.objects.filter(kind=AccountKind.GUEST, pending=False).exists()
    assert Account.objects.filter(email__iexact="ada@souza.example").count() == 1

    by_address = {tuple(to): message for to, message in smtp.messages}
    assert set(by_address) == {("ADA@souza.example",), ("mia@lund.example",)}
    reminder = by_address[("ADA@souza.example",)].get_content()
    assert "You have a login there already" in reminder
    assert "http://testserver/s/northlight/login/?next=" in reminder
    opener = by_address[("mia@lund.example",)].get_content()
    link = re.search(r"http://testserver(/s/northlight/guest/\S+/)", opener)
    assert link is not None
    assert OutgoingMail.objects.filter(kind=MailKind.GUEST_HAS_LOGIN).count() == 1

    # Until the link is opened the new login does not exist for signing in.
    assert REFUSED in login(Client(), "mia@lund.example", SIGNUP["new_password"]).content.decode()
    mia = Client()
    assert mia.post(link.group(1))["Location"] == f"/s/northlight/e/{public_event.session.uuid}/"
    assert (
        "Welcome, Mia." in mia.get(f"/s/northlight/e/{public_event.session.uuid}/").content.decode()
    )


def test_a_tampered_or_foreign_sign_up_link_opens_nothing(
    client: Client, public_event: Published, rival_studio
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 12: the link is signed and bound to its studio."""
    url = f"/s/northlight/e/{public_event.session.uuid}/guest/"
    client.post(url, SIGNUP | {"email": "mia@lund.example"})
    mail = OutgoingMail.objects.get(kind=MailKind.GUEST_CONFIRM)
    found = re.search(r"/s/northlight/guest/(\S+)/", mail.text)
    assert found is not None
    token = found.group(1)
    tampered = client.post(f"/s/northlight/guest/{token[:-2]}xy/")
    assert tampered["Location"] == "/s/northlight/"
    rival = client.post(f"/s/{rival_studio.slug}/guest/{token}/")
    assert rival["Location"] == f"/s/{rival_studio.slug}/"
    assert not Account.objects.filter(kind=AccountKind.GUEST, pending=False).exists()
