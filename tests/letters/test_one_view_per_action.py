"""Issue 12 point 5: each button of the desk's letter and mail pages posts to its own URL
and view (a second button of one form by `formaction`), never to a page that switches on
an "action" field. What staff see does not change."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from proofroom.studio.letters.models import ExpiryReminder, FormLetter, LetterTrigger
from proofroom.studio.letters.services import ONLINE_LETTER, THANKS_LETTER
from proofroom.studio.studios import Studio
from proofroom.studio.workflow import WorkflowStage
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_the_pages_post_each_button_to_its_own_url(studio: Studio, desk: Browser) -> None:
    letter = FormLetter.objects.get(name=ONLINE_LETTER)
    client = ClientFactory()
    pages = {
        "/desk/settings/mail/": [
            'action="/desk/settings/mail/save/"',
            'action="/desk/settings/mail/test/"',
        ],
        "/desk/settings/triggers/": [
            'action="/desk/settings/triggers/add/"',
            'action="/desk/settings/reminders/add/"',
        ],
        f"/desk/letters/{letter.pk}/": [
            f'action="/desk/letters/{letter.pk}/"',
            f'formaction="/desk/letters/{letter.pk}/preview/"',
        ],
        "/desk/letters/new/": [
            'action="/desk/letters/new/"',
            'formaction="/desk/letters/new/preview/"',
        ],
        f"/desk/clients/{client.pk}/email/?letter={letter.pk}": [
            f'action="/desk/clients/{client.pk}/email/"',
            f'formaction="/desk/clients/{client.pk}/email/send/"',
        ],
    }
    for url, targets in pages.items():
        page = desk.get(url).content.decode()
        assert 'name="action"' not in page, url
        for target in targets:
            assert target in page, (url, target)


def test_the_action_urls_take_only_a_post(studio: Studio, desk: Browser) -> None:
    letter = FormLetter.objects.get(name=ONLINE_LETTER)
    client = ClientFactory()
    for url in (
        "/desk/settings/mail/save/",
        "/desk/settings/mail/test/",
        "/desk/settings/mail/retry/",
        "/desk/settings/triggers/add/",
        "/desk/settings/reminders/add/",
        "/desk/letters/new/preview/",
        f"/desk/letters/{letter.pk}/preview/",
        f"/desk/clients/{client.pk}/email/send/",
    ):
        assert desk.get(url).status_code == 405, url


def test_a_preview_neither_saves_nor_loses_the_save_target(studio: Studio, desk: Browser) -> None:
    ClientFactory(first_name="Ada", last_name="Park", email="ada@park.example")
    letter = FormLetter.objects.get(name=ONLINE_LETTER)
    page = desk.post(
        f"/desk/letters/{letter.pk}/preview/",
        {
            "name": letter.name,
            "subject": "Changed {{ client.first_name }}",
            "body": letter.body,
            "preview_client": "ada@park.example",
        },
    ).content.decode()
    assert "Changed Ada" in page
    assert f'action="/desk/letters/{letter.pk}/"' in page  # Save still saves this letter
    letter.refresh_from_db()
    assert letter.subject != "Changed {{ client.first_name }}"
    asked = desk.post(
        "/desk/letters/new/preview/", {"name": "Draft", "subject": "Hi", "body": "x"}
    ).content.decode()
    assert "Choose a client to preview the letter for." in asked
    assert not FormLetter.objects.filter(name="Draft").exists()


def test_triggers_and_reminders_are_added_and_removed_at_their_own_urls(
    studio: Studio, desk: Browser
) -> None:
    stage = WorkflowStage.objects.get(name="Ordered")
    letter = FormLetter.objects.get(name=THANKS_LETTER)
    added = desk.post(
        "/desk/settings/triggers/add/", {"stage": stage.pk, "letter": letter.pk}, follow=True
    )
    assert "The trigger is added." in added.content.decode()
    trigger = LetterTrigger.objects.get(stage=stage, letter=letter)
    again = desk.post("/desk/settings/triggers/add/", {"stage": stage.pk, "letter": letter.pk})
    assert again.status_code == 200
    assert "This stage sends this letter already." in again.content.decode()
    blank = desk.post("/desk/settings/reminders/add/", {"letter": letter.pk}).content.decode()
    assert "This field is required." in blank and not ExpiryReminder.objects.exists()
    reminded = desk.post(
        "/desk/settings/reminders/add/", {"days_before": 3, "letter": letter.pk}, follow=True
    )
    assert "The reminder is added." in reminded.content.decode()
    reminder = ExpiryReminder.objects.get()
    page = desk.get("/desk/settings/triggers/").content.decode()
    assert f'action="/desk/settings/triggers/{trigger.pk}/remove/"' in page
    assert f'action="/desk/settings/reminders/{reminder.pk}/remove/"' in page

    removed = desk.post(f"/desk/settings/triggers/{trigger.pk}/remove/")
    assert removed.status_code == 302 and removed["Location"] == "/desk/settings/triggers/"
    assert not LetterTrigger.objects.filter(pk=trigger.pk).exists()
    desk.post(f"/desk/settings/reminders/{reminder.pk}/remove/")
    assert not ExpiryReminder.objects.exists()
    assert desk.post(f"/desk/settings/reminders/{reminder.pk}/remove/").status_code == 404
