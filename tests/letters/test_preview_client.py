"""The letter editor's "Preview for client" scales: a text field resolved by name or email,
with a few suggestions asked of the desk, never a list of every client; and a letter opened
from a client's Email client page previews for that client."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.selectors import client_label
from proofroom.studio.letters.services import ONLINE_LETTER
from proofroom.studio.studios import Studio
from tests.factories import ClientFactory, make_session

pytestmark = pytest.mark.django_db


def preview(desk: Browser, letter: FormLetter, **fields: object) -> str:
    data = {"name": letter.name, "subject": letter.subject, "body": letter.body, **fields}
    return desk.post(f"/desk/letters/{letter.pk}/preview/", data).content.decode()


@pytest.fixture
def letter(studio: Studio) -> FormLetter:
    return FormLetter.objects.get(name=ONLINE_LETTER)


def test_the_editor_lists_no_clients_and_suggests_a_few(  # type: ignore[no-untyped-def]
    desk, letter, django_assert_max_num_queries
) -> None:
    for n in range(40):
        ClientFactory(first_name=f"Kim{n:02d}", last_name="Lindqvist")
    ClientFactory(first_name="Ada", last_name="Park", email="ada@park.example")
    page = desk.get(f"/desk/letters/{letter.pk}/").content.decode()
    assert "Kim01" not in page and "Ada" not in page
    assert 'list="preview-client-suggestions"' in page

    with django_assert_max_num_queries(8):
        answer = desk.get("/desk/letters/clients/", {"q": "lindq kim0"}).json()
    assert answer["clients"] == [f"Kim0{n} Lindqvist <kim0{n}@example.com>" for n in range(10)]
    assert len(desk.get("/desk/letters/clients/", {"q": "lindqvist"}).json()["clients"]) == 10
    assert desk.get("/desk/letters/clients/", {"q": "PARK.ex"}).json() == {
        "clients": ["Ada Park <ada@park.example>"]
    }
    assert desk.get("/desk/letters/clients/", {"q": "a"}).json() == {"clients": []}


@pytest.mark.parametrize(
    "typed", ["Ada Park <ada@park.example>", "ada@PARK.example", "ada park", "Park, Ada"]
)
def test_a_name_an_email_or_a_suggestion_previews_for_that_client(  # type: ignore[no-untyped-def]
    desk, letter, typed: str
) -> None:
    ClientFactory(first_name="Ada", last_name="Park", email="ada@park.example")
    ClientFactory(first_name="Ada", last_name="Parks", email="ada@parks.example")
    page = preview(desk, letter, preview_client=typed)
    assert "your password is Park." in page


def test_a_family_sharing_an_email_and_a_client_without_one(desk, letter) -> None:  # type: ignore[no-untyped-def]
    ada = ClientFactory(first_name="Ada", last_name="Park", email="park@family.example")
    ClientFactory(first_name="Ben", last_name="Park", email="park@family.example")
    nomail = ClientFactory(first_name="Cy", last_name="<b>Park</b>", email="")
    assert "your password is Park." in preview(desk, letter, preview_client=client_label(ada))
    assert client_label(nomail) == f"Cy <b>Park</b> (client {nomail.pk})"
    page = preview(desk, letter, preview_client=client_label(nomail))
    assert "Dear Cy," in page and "password is &lt;b&gt;Park&lt;/b&gt;." in page
    shared = preview(desk, letter, preview_client="park@family.example")
    assert "More than one client goes by “park@family.example”" in shared


def test_nobody_by_that_name_is_said(desk, letter) -> None:  # type: ignore[no-untyped-def]
    page = preview(desk, letter, preview_client="Zed Nobody")
    assert "No client goes by “Zed Nobody”" in page
    assert "preview-body" not in page


def test_a_session_number_alone_previews_for_its_client(desk, letter) -> None:  # type: ignore[no-untyped-def]
    ada = ClientFactory(first_name="Ada", last_name="Park", email="ada@park.example")
    session = make_session(client=ada, description="Park family")
    assert "your password is Park." in preview(desk, letter, preview_session=session.number)
    other = ClientFactory(first_name="Bo", last_name="Lund", email="bo@lund.example")
    page = preview(desk, letter, preview_client=client_label(other), preview_session=session.number)
    assert "That session is another client&#x27;s." in page
    assert "There is no session #999999." in preview(desk, letter, preview_session=999999)


def test_a_letter_opened_from_email_client_previews_for_that_client(desk, letter) -> None:  # type: ignore[no-untyped-def]
    ada = ClientFactory(first_name="Ada", last_name="Park", email="ada@park.example")
    session = make_session(client=ada, description="Park family")
    email_page = desk.get(
        f"/desk/clients/{ada.pk}/email/", {"letter": letter.pk, "session": session.pk}
    ).content.decode()
    link = f"/desk/letters/{letter.pk}/?client={ada.pk}&amp;session={session.number}"
    assert link in email_page
    page = desk.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="Ada Park &lt;ada@park.example&gt;"' in page
    assert f'value="{session.number}"' in page
    assert "your password is Park." in page
    # Nonsense in the address shows the page, previewing nothing.
    assert (
        "preview-body"
        not in desk.get(f"/desk/letters/{letter.pk}/?client=x&session=-1").content.decode()
    )
