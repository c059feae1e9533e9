"""Login throttles raced by real requests: a burst of wrong passwords for one account, sent
at the same moment to a live server (one thread per request, as in production), from
real threads, so the database sees them overlap; run on PostgreSQL to see the race."""

from __future__ import annotations

import threading

import httpx
import pytest
from django.contrib.auth.models import User

from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.throttle import LIMITS
from proofroom.studio.logins import LIMITS as DESK_LIMITS
from tests.cast import CSRF_TOKEN, give_own_password, make_client
from tests.conftest import needs_postgresql

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True, databases="__all__")]

BURST = 20


def burst(url: str, form: dict[str, str]) -> list[str]:
    """BURST posts of ``form`` to ``url``, released together; the pages they got back."""
    with httpx.Client() as browser:
        page = browser.get(url)
        token = CSRF_TOKEN.search(page.text)
        assert token is not None, page.text[:400]
        cookies = dict(browser.cookies.items())
    start = threading.Barrier(BURST)
    answers: list[str] = []

    def post() -> None:
        with httpx.Client(cookies=cookies, timeout=120) as tab:
            start.wait()
            answers.append(tab.post(url, data={**form, "csrfmiddlewaretoken": token.group(1)}).text)

    threads = [threading.Thread(target=post) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == BURST
    return answers


def test_a_burst_of_wrong_passwords_reaches_the_gallerys_check_no_more_than_the_limit(
    live_server, gallery_studio: GalleryStudio
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 17: 40 concurrent wrong passwords reached the password check 10-12
    times against a limit of 5; the attempt is now counted before the check, atomically."""
    give_own_password(make_client(gallery_studio))
    answers = burst(
        f"{live_server.url}/s/northlight/login/",
        {"username": "ada@souza.example", "password": "guess-again-1"},
    )
    checked = [a for a in answers if "That user name and password do not match." in a]
    refused = [a for a in answers if "Too many attempts; try again in 15 minutes." in a]
    assert (len(checked), len(refused)) == (LIMITS["pair"], BURST - LIMITS["pair"])


def test_a_burst_of_wrong_passwords_reaches_the_desks_check_no_more_than_the_limit(
    live_server, owner: User
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 17: the desk's log-in throttle had the same race."""
    answers = burst(
        f"{live_server.url}/desk/login/", {"username": "alice", "password": "guess-again-1"}
    )
    checked = [a for a in answers if "do not match" in a]
    refused = [a for a in answers if "Too many attempts; try again in 15 minutes." in a]
    assert (len(checked), len(refused)) == (DESK_LIMITS["user"], BURST - DESK_LIMITS["user"])
