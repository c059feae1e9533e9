"""Culling in a real browser: rate with the keyboard, group with the mouse, and it is kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from proofroom.studio.images import Image, ImageGroup, Rating
from tests.e2e.conftest import desk_log_in
from tests.factories import make_images as add_images
from tests.factories import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


def log_in(page, live_server) -> None:  # type: ignore[no-untyped-def]
    desk_log_in(page, live_server.url)


def badge(page, name: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(f'.tile[data-name="{name}"] [data-role=badge]').inner_text()


def test_rate_with_keys_group_two_and_find_it_all_after_reload(  # type: ignore[no-untyped-def]
    live_server, page, owner
) -> None:
    session = make_session(description="Lake wedding")
    first, second, third, *_ = add_images(session, 5, ready=True)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/desk/sessions/{session.number}/images/")
    status = page.locator("#viewer-status")

    # The first image is current: P picks it, → moves on, X rejects, → and P again.
    page.keyboard.press("p")
    expect(status).to_have_text(re.compile(r"saved\.$"))
    for key in ("x", "p"):
        page.keyboard.press("ArrowRight")
        page.keyboard.press(key)
    expect(status).to_have_text(f"{third.file_name}: Selected — saved.")
    assert status.inner_text() == f"{third.file_name}: Selected — saved."
    assert page.locator('[data-count-for="selected"]').inner_text() == "2"

    # Enter opens the large view of the current image; Esc closes it.
    page.keyboard.press("Enter")
    expect(page.locator("#loupe")).to_be_visible()
    assert page.locator("#loupe-name").inner_text() == third.file_name
    page.keyboard.press("Escape")
    expect(page.locator("#loupe")).to_be_hidden()

    page.get_by_label("New group").fill("Album")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Group “Album” created.")).to_be_visible()

    page.locator(f'.tile[data-name="{first.file_name}"] .tile-main').click()
    page.locator(f'.tile[data-name="{second.file_name}"] .tile-main').click(modifiers=["Shift"])
    assert page.locator("#checked-count").inner_text() == "2"
    page.keyboard.press("g")
    expect(page.locator(".group-menu-body")).to_be_visible()
    page.keyboard.press("1")
    expect(status).to_have_text("2 images added to “Album”.")

    page.reload()
    assert badge(page, first.file_name) == "Selected"
    assert badge(page, second.file_name) == "Not Selected"
    assert badge(page, third.file_name) == "Selected"
    groups_of = page.locator(".tile [data-role=groups]").all_inner_texts()
    assert groups_of == ["Album", "Album", "", "", ""]
    album = page.locator("#group-list .group", has_text="Album")
    assert album.locator("[data-role=count]").inner_text() == "2"

    ratings = dict(Image.objects.values_list("file_name", "rating"))
    assert ratings[first.file_name] == Rating.SELECTED
    assert ratings[second.file_name] == Rating.NOT_SELECTED
    assert ratings[third.file_name] == Rating.SELECTED
    group = ImageGroup.objects.get()
    assert set(group.images.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_a_failed_save_is_rolled_back_and_said(live_server, page, owner) -> None:  # type: ignore[no-untyped-def]
    session = make_session()
    image = add_images(session, 2)[0]
    log_in(page, live_server)
    page.goto(f"{live_server.url}/desk/sessions/{session.number}/images/")
    page.route(
        re.compile(r".*/images/rating/$"),
        lambda route: route.fulfill(
            status=500, content_type="application/json", body='{"error": "disk full"}'
        ),
    )
    page.keyboard.press("p")
    error = page.get_by_role("alert").filter(has_text="Not saved")
    error.wait_for()
    assert "disk full" in error.inner_text()
    assert badge(page, image.file_name) == "Undecided"
    assert page.locator('[data-count-for="selected"]').inner_text() == "0"
    assert Image.objects.get(pk=image.pk).rating == Rating.UNDECIDED


def test_viewer_fits_a_phone(live_server, phone, owner) -> None:  # type: ignore[no-untyped-def]
    session = make_session()
    add_images(session, 6, ready=True)
    log_in(phone, live_server)
    phone.goto(f"{live_server.url}/desk/sessions/{session.number}/images/")
    assert phone.locator(".tile").count() == 6
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="Large view").tap()
    expect(phone.locator("#loupe img")).to_be_visible()
    phone.locator('#loupe [data-rate="selected"]').tap()
    expect(phone.locator("#viewer-status")).to_have_text(re.compile(r"saved\.$"))
