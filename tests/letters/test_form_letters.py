"""Issue 14: form letters with merge fields. Client data is never template code or markup;
an unknown merge field is refused at save, named; set-up makes the starting letters; Email
client shows the letter rendered and sends it, and the client's record keeps it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.selectors import client_label
from proofroom.studio.letters.services import (
    CLOSING_LETTER,
    ONLINE_LETTER,
    THANKS_LETTER,
    letter_render,
    letter_save,
    letter_send,
)
from proofroom.studio.mail.models import DeskMail
from proofroom.studio.mail.outbox import desk_mail_deliver
from tests.factories import ClientFactory, make_session
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db

HOSTILE = [("{{ studio.name }}", "{% debug %}"), ("<b>x</b>", "<script>alert(1)</script>")]


def test_set_up_makes_the_starting_letters(studio) -> None:  # type: ignore[no-untyped-def]
    assert set(FormLetter.objects.values_list("name", flat=True)) == {
        ONLINE_LETTER,
        CLOSING_LETTER,
        THANKS_LETTER,
    }


@pytest.mark.parametrize(("first", "last"), HOSTILE)
def test_a_client_named_like_template_code_or_markup_comes_out_as_text(  # type: ignore[no-untyped-def]
    studio, desk_smtp: Inbox, first: str, last: str
) -> None:
    client = ClientFactory(first_name=first, last_name=last, email="odd@example.com")
    letter = letter_save(
        letter=FormLetter(),
        name="Hello",
        subject="Hello {{ client.first_name }}",
        body="Dear {{ client.full_name }}, from {{ studio.name }}.",
    )
    rendered = letter_render(letter=letter, client=client)
    assert rendered.subject == f"Hello {first}"
    assert rendered.text == f"Dear {first} {last}, from Northlight Studio."
    assert "<b>" not in rendered.html and "<script>" not in rendered.html
    with transaction.atomic():
        letter_send(letter=letter, client=client)
    assert desk_mail_deliver().sent == 1
    ((_, message),) = desk_smtp.messages
    assert message["Subject"] == f"Hello {first}"
    assert message.get_body(("plain",)).get_content().strip() == rendered.text  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "&lt;" in html or "{{" in html
    assert "<b>x</b>" not in html and "<script>" not in html


def test_the_preview_page_escapes_client_data(studio, desk) -> None:  # type: ignore[no-untyped-def]
    client = ClientFactory(first_name="<script>alert(1)</script>", last_name="{{ studio.name }}")
    letter = FormLetter.objects.get(name=ONLINE_LETTER)
    page = desk.post(
        f"/desk/letters/{letter.pk}/preview/",
        {
            "name": letter.name,
            "subject": letter.subject,
            "body": letter.body,
            "preview_client": client_label(client),
        },
    ).content.decode()
    assert "Dear &lt;script&gt;alert(1)&lt;/script&gt;," in page
    assert "<script>alert(1)" not in page
    assert "your password is {{ studio.name }}." in page


def test_an_unknown_merge_field_is_refused_and_named(studio, desk) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        letter_save(
            letter=FormLetter(), name="Typo", subject="Hi", body="Dear {{ client.frist_name }}"
        )
    assert "{{ client.frist_name }}" in str(refused.value)
    page = desk.post(
        "/desk/letters/new/",
        {"name": "Typo", "subject": "Hi {{ sesion.number }}", "body": "x"},
    )
    assert page.status_code == 200
    assert "Unknown merge field: {{ sesion.number }}" in page.content.decode()
    assert not FormLetter.objects.filter(name="Typo").exists()


def test_the_merge_fields_fill_from_the_client_session_and_invoice(studio) -> None:  # type: ignore[no-untyped-def]
    from proofroom.studio.invoices.models import PaymentMethod
    from proofroom.studio.invoices.services import invoice_create, payment_add
    from proofroom.studio.studios import studio_update

    studio_update(studio=studio, phone="+1 612 555 0199", website="https://northlight.example")
    client = ClientFactory(first_name="Ada", last_name="Park", email="ada@example.com")
    session = make_session(client=client, description="Park family")
    invoice = invoice_create(client=client, session=session)
    invoice.total = 12_500
    invoice.save(update_fields=["total"])
    payment_add(invoice=invoice, amount=2_500, method=PaymentMethod.CASH)
    letter = letter_save(
        letter=FormLetter(),
        name="All",
        subject="#{{ session.number }}",
        body="{{ client.first_name }}|{{ gallery.username }}|{{ gallery.password }}|"
        "{{ session.description }}|{{ studio.phone }}|{{ studio.website }}|"
        "{{ invoice.number }}|{{ invoice.total }}|{{ invoice.balance }}",
    )
    rendered = letter_render(letter=letter, client=client, session=session, invoice=invoice)
    assert rendered.subject == f"#{session.number}"
    assert rendered.text == (
        f"Ada|ada@example.com|Park|Park family|+1 612 555 0199|https://northlight.example|"
        f"{invoice.number}|$125.00|$100.00"
    )


def test_email_client_shows_the_letter_then_sends_it_onto_the_clients_record(  # type: ignore[no-untyped-def]
    studio, desk, desk_smtp: Inbox
) -> None:
    client = ClientFactory(first_name="Ada", last_name="Park", email="ada@example.com")
    session = make_session(client=client, description="Park family")
    letter = FormLetter.objects.get(name=THANKS_LETTER)
    start = desk.get(f"/desk/sessions/{session.number}/email/")
    assert start.status_code == 302
    shown = desk.get(start["Location"] + f"&letter={letter.pk}").content.decode()
    assert "Dear Ada," in shown
    assert f'formaction="/desk/clients/{client.pk}/email/send/"' in shown
    sent = desk.post(
        f"/desk/clients/{client.pk}/email/send/",
        {"letter": letter.pk, "session": session.pk},
    )
    assert sent.status_code == 302
    assert desk_mail_deliver().sent == 1
    mail = DeskMail.objects.get()
    assert (mail.client, mail.session, mail.letter_name) == (client, session, THANKS_LETTER)
    record = desk.get(f"/desk/clients/{client.pk}/").content.decode()
    assert "Communication history" in record and "Thank you for your order" in record
    assert "sent" in record
    assert [to for to, _ in desk_smtp.messages] == [["ada@example.com"]]


def test_a_client_without_an_email_is_told_not_mailed(studio, desk) -> None:  # type: ignore[no-untyped-def]
    client = ClientFactory(email="")
    letter = FormLetter.objects.get(name=ONLINE_LETTER)
    page = desk.post(f"/desk/clients/{client.pk}/email/send/", {"letter": letter.pk}, follow=True)
    assert "has no email address" in page.content.decode()
    assert not DeskMail.objects.exists()
