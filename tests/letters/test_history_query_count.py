"""Issue 14: the client's Communication history (on the client page and its own page)
takes as many queries for many letters as for a few."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.services import ONLINE_LETTER, letter_send
from tests.factories import ClientFactory, make_session

pytestmark = pytest.mark.django_db


def queries(desk, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as page:
        assert desk.get(url).status_code == 200
    return len(page.captured_queries)


def test_the_history_pages_stay_flat_as_mail_grows(studio, desk, owner) -> None:  # type: ignore[no-untyped-def]
    client = ClientFactory(email="ada@example.com")
    session = make_session(client=client)
    letter = FormLetter.objects.get(name=ONLINE_LETTER)

    def send(count: int) -> None:
        with transaction.atomic():
            for _ in range(count):
                letter_send(letter=letter, client=client, session=session, user=owner)

    pages = [f"/desk/clients/{client.pk}/", f"/desk/clients/{client.pk}/communication/"]
    send(2)
    few = [queries(desk, url) for url in pages]
    send(30)
    assert [queries(desk, url) for url in pages] == few
