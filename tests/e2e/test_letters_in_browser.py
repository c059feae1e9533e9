"""Issue 14 in Chromium: staff write a form letter, preview it for a client, send it from
the client's page, and see it in the client's Communication history. The client to preview
for is typed and picked from the desk's suggestions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from proofroom.studio.mail.outbox import desk_mail_send
from tests.e2e.conftest import desk_log_in
from tests.factories import ClientFactory, make_session
from tests.smtp import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_staff_write_preview_and_send_a_letter_then_see_it_on_the_record(  # type: ignore[no-untyped-def]
    live_server, page: Page, owner, smtp: Inbox
) -> None:
    base = live_server.url
    ada = ClientFactory(first_name="Ada", last_name="<b>Park</b>", email="ada@example.com")
    make_session(client=ada, description="Park family at the falls")
    desk_log_in(page, base)

    page.get_by_role("link", name="Form letters").click()
    page.get_by_role("link", name="New letter").click()
    page.get_by_label("Name").fill("Prints are ready")
    page.get_by_label("Subject").fill("Your prints are ready, {{ client.first_name }}")
    page.get_by_label("Body").fill(
        "Dear {{ client.full_name }},\n\nyour prints of {{ session.description }} are ready "
        "at {{ studio.name }}."
    )
    who = page.get_by_label("Preview for client")
    who.press_sequentially("park")  # the desk suggests the clients it matches
    suggestion = page.locator("#preview-client-suggestions option")
    expect(suggestion).to_have_count(1)
    label = suggestion.get_attribute("value")
    assert label == "Ada <b>Park</b> <ada@example.com>"
    who.fill(label)  # what picking the suggestion does
    preview = page.get_by_role("region", name="Preview")  # live: no button pressed
    expect(preview.get_by_test_id("preview-subject")).to_have_text("Your prints are ready, Ada")
    expect(preview.get_by_test_id("preview-body")).to_contain_text("Dear Ada <b>Park</b>,")
    page.get_by_label("Subject").fill("Ready, {{ client.first_name }}? {{ client.nickname }}")
    expect(page.get_by_role("alert")).to_contain_text("Unknown merge field: {{ client.nickname }}")
    page.get_by_label("Subject").fill("Your prints are ready, {{ client.first_name }}")
    expect(preview.get_by_test_id("preview-subject")).to_have_text("Your prints are ready, Ada")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The letter Prints are ready is saved.")).to_be_visible()

    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name="<b>Park</b>, Ada").click()
    page.get_by_role("link", name="Email client").click()
    page.get_by_label("Letter").select_option(label="Prints are ready")
    page.get_by_label("Session").select_option(index=1)
    page.get_by_role("button", name="Show the letter").click()
    expect(page.get_by_test_id("preview-body")).to_contain_text(
        "your prints of Park family at the falls are ready at Northlight Studio."
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Communication history")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Your prints are ready, Ada")
    expect(row).to_contain_text("waiting")

    desk_mail_send.call()  # what the background worker does once the send has committed
    page.reload()
    expect(row).to_contain_text("sent")
    row.get_by_text("Your prints are ready, Ada").click()  # opens the rendered letter
    expect(row).to_contain_text("Dear Ada <b>Park</b>,")
    ((to, message),) = smtp.messages
    assert to == ["ada@example.com"]
    assert message["Subject"] == "Your prints are ready, Ada"


def test_the_preview_button_previews_and_save_still_saves_and_triggers_come_and_go(  # type: ignore[no-untyped-def]
    live_server, page: Page, owner
) -> None:
    """Issue 12 point 5 in Chromium: the Preview button posts to its own URL (formaction),
    the page it answers still saves the letter; Triggers adds and removes at its own URLs."""
    base = live_server.url
    ClientFactory(first_name="Ada", last_name="Park", email="ada@example.com")
    desk_log_in(page, base)
    page.goto(f"{base}/desk/letters/")
    page.get_by_role("link", name="Thank you for your order").click()
    page.get_by_label("Subject").fill("Thanks, {{ client.first_name }}")
    page.get_by_label("Preview for client").fill("ada@example.com")
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/desk/letters/\d+/preview/$"))
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_test_id("preview-subject")).to_have_text("Thanks, Ada")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The letter Thank you for your order is saved.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/desk/letters/\d+/$"))
    expect(page.get_by_label("Subject")).to_have_value("Thanks, {{ client.first_name }}")

    page.goto(f"{base}/desk/settings/triggers/")
    page.get_by_label("When a session enters").select_option(label="Ordered")
    page.get_by_label("send the letter").first.select_option(label="Thank you for your order")
    page.get_by_role("button", name="Add the trigger").click()
    expect(page.get_by_text("The trigger is added.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Ordered")
    expect(row).to_contain_text("Thank you for your order")
    page.get_by_label("Days before it expires").fill("3")
    page.get_by_label("send the letter").last.select_option(label="Thank you for your order")
    page.get_by_role("button", name="Add the reminder").click()
    expect(page.get_by_text("The reminder is added.")).to_be_visible()
    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("No triggers.")).to_be_visible()
    page.get_by_role("row").filter(has_text="3 days before").get_by_role(
        "button", name="Remove"
    ).click()
    expect(page.get_by_text("No reminders.")).to_be_visible()
