"""The session uploader in a real browser: a refusal opens the tab that holds it, and an
image is left out one by one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from proofroom.studio.images import Image, Rating
from proofroom.studio.online import OnlineSettings
from tests.e2e.conftest import desk_log_in
from tests.factories import make_images, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_private_without_code_opens_session_info_and_keeps_the_group_ticked(  # type: ignore[no-untyped-def]
    live_server, page, owner
) -> None:
    """Issue 13, defect 19: in Chromium, the hidden Session Info tab's refusal is shown
    (its tab open, the message visible) and the group chosen on the Images tab stays
    ticked, so the corrected upload sends every image chosen."""
    session = make_session(description="Lake wedding")
    images = make_images(session, 4, ready=True)
    group = session.groups.create(name="Ceremony")
    group.images.set(images[:3])
    desk_log_in(page, live_server.url)
    page.goto(f"{live_server.url}/desk/sessions/{session.number}/upload/")
    page.locator('input[name="rating"]').evaluate_all("els => els.forEach(e => e.checked = false)")
    page.locator(f'input[name="group"][value="{group.pk}"]').check()
    expect(page.locator("#chosen-count")).to_have_text("3")
    page.get_by_role("tab", name="Session Info").click()
    page.locator('input[name="event_type"][value="private"]').check()
    page.get_by_role("tab", name="Images").click()
    page.get_by_role("button", name="Upload to gallery").click()

    expect(page.locator("#tab-info")).to_be_visible()
    expect(
        page.locator("#tab-info").get_by_text("A private event needs an event code.")
    ).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("Event code")
    page.get_by_role("tab", name="Images").click()
    expect(page.locator(f'input[name="group"][value="{group.pk}"]')).to_be_checked()
    expect(page.locator("#chosen-count")).to_have_text("3")

    page.locator(".error-summary a").first.click()
    expect(page.locator("#tab-info")).to_be_visible()
    page.locator("#id_event_code").fill("LAKE")
    page.get_by_role("button", name="Upload to gallery").click()
    page.wait_for_url(re.compile(r"/desk/sync/\d+/$"))
    assert OnlineSettings.objects.get(session=session).images.count() == 3


def test_an_image_left_out_one_by_one_is_not_chosen_and_stays_left_out(  # type: ignore[no-untyped-def]
    live_server, page, owner
) -> None:
    """Issue 18, point 7: in Chromium, Leave out takes one image of the Selected rating
    out of the count and the upload; ticking it one by one takes it back in; the
    uploader opened again shows it left out."""
    session = make_session(description="Lake wedding")
    images = make_images(session, 4, ready=True)
    Image.objects.filter(session=session).update(rating=Rating.SELECTED)
    out = images[1]
    desk_log_in(page, live_server.url)
    url = f"{live_server.url}/desk/sessions/{session.number}/upload/"
    page.goto(url)
    expect(page.locator("#chosen-count")).to_have_text("4")
    leave = page.get_by_label(f"Leave out {out.file_name}")
    leave.check()
    expect(page.locator("#chosen-count")).to_have_text("3")
    tile = page.locator(".pick-grid li").filter(has=leave)
    expect(tile).to_have_class(re.compile(r"\bleft-out\b"))
    # Ticked one by one it comes back, and Leave out is unticked; left out again, it goes.
    tile.locator('input[name="image"]').check()
    expect(leave).not_to_be_checked()
    expect(page.locator("#chosen-count")).to_have_text("4")
    leave.check()
    expect(tile.locator('input[name="image"]')).not_to_be_checked()
    expect(page.locator("#chosen-count")).to_have_text("3")
    page.get_by_role("button", name="Upload to gallery").click()
    page.wait_for_url(re.compile(r"/desk/sync/\d+/$"))
    online = OnlineSettings.objects.get(session=session)
    assert set(online.images.values_list("pk", flat=True)) == {
        i.pk for i in images if i.pk != out.pk
    }

    page.goto(url)
    expect(page.get_by_label(f"Leave out {out.file_name}")).to_be_checked()
    expect(page.locator("#chosen-count")).to_have_text("3")
    page.locator('input[name="rating"][value="selected"]').check()
    expect(page.locator("#chosen-count")).to_have_text("3")
