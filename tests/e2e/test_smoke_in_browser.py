"""A real browser: staff log in on the desk; a client opens the gallery on a phone."""

from __future__ import annotations

import pytest

from tests.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_staff_log_in_on_the_desk(live_server, page, owner) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/desk/")
    assert page.url.startswith(f"{live_server.url}/desk/login/")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("That user name and password do not match")
    )

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/desk/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Alice"


def test_gallery_landing_page_on_a_phone(live_server, phone, gallery_studio) -> None:  # type: ignore[no-untyped-def]
    phone.goto(f"{live_server.url}/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Northlight Studio"
    assert phone.title() == "Northlight Studio"
    # Nothing wider than the phone's screen: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
