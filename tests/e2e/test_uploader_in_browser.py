"""The session uploader in a real browser: a refusal opens the tab that holds it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

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
