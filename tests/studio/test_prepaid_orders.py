"""A prepaid invoice: ticked on the Other tab it is pending, then uploaded; picks come back."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from proofroom.studio.images import Image
from proofroom.studio.invoices.models import Invoice, InvoiceStatus, PaymentMethod
from proofroom.studio.invoices.prepaid import (
    prepaid_failed,
    prepaid_manifest,
    prepaid_pending,
    prepaid_picks_apply,
    prepaid_set,
    prepaid_uploaded,
    prepaid_withdrawn,
)
from proofroom.studio.invoices.services import (
    invoice_create,
    invoice_line_add,
    invoice_other_update,
    payment_add,
)
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio
from proofroom.sync import protocol
from tests.factories import ClientFactory, make_images, make_price_list, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(session: Session) -> Invoice:
    make_price_list()
    invoice = invoice_create(client=session.client, session=session)
    invoice_line_add(invoice=invoice, actor=None, product=Product.objects.get(name="Print"))
    invoice_line_add(
        invoice=invoice, actor=None, product=Product.objects.get(name="Gallery canvas")
    )
    payment_add(invoice=invoice, amount=25000, method=PaymentMethod.CARD)
    return invoice


def _other(desk: Browser, invoice: Invoice, prepaid: bool) -> str:
    form = {
        "status": invoice.status_id,
        "date": f"{invoice.date:%Y-%m-%d}",
        "shipping": "0",
        "notes": "",
    }
    if prepaid:
        form["prepaid_online"] = "on"
    return desk.post(f"/desk/invoices/{invoice.number}/other/", form, follow=True).content.decode()


def _uploaded_indicator(page: str) -> str:
    part = page.split("Uploaded:", 1)[1]
    return part.split('">', 1)[1].split("<", 1)[0]


def test_ticking_prepaid_marks_it_pending_and_a_sync_makes_it_uploaded(
    client: Browser, owner: User, invoice: Invoice
) -> None:
    client.force_login(owner)
    page = _other(client, invoice, prepaid=True)
    assert "marked for upload at the next sync" in page
    assert _uploaded_indicator(page) == "pending"
    assert list(prepaid_pending()) == [invoice]

    invoice.refresh_from_db()
    manifest = prepaid_manifest(invoice)
    assert (manifest.number, manifest.client, manifest.session) == (
        invoice.number,
        invoice.client.uuid,
        invoice.session.uuid,  # type: ignore[union-attr]
    )
    assert (manifest.total, manifest.paid) == (25000, 25000)
    assert [(i.name, i.size, i.quantity) for i in manifest.items] == [
        ("Print", "8×10 in", 1),
        ("Gallery canvas", "16×20 in", 1),
    ]
    prepaid_uploaded(invoice.pk, invoice.prepaid_revision)
    page = client.get(f"/desk/invoices/{invoice.number}/other/").content.decode()
    assert _uploaded_indicator(page) == "uploaded"
    assert list(prepaid_pending()) == []


def test_a_change_made_while_the_sync_uploads_stays_pending(invoice: Invoice) -> None:
    prepaid_set(invoice=invoice, flag=True, actor=None)
    sent = Invoice.objects.get(pk=invoice.pk).prepaid_revision
    # While the sync is sending revision `sent`, someone adds a line.
    invoice_line_add(
        invoice=invoice, actor=None, product=Product.objects.get(name="Digital download")
    )
    prepaid_uploaded(invoice.pk, sent)
    invoice.refresh_from_db()
    assert invoice.prepaid_state == "pending"
    assert list(prepaid_pending()) == [invoice]
    assert len(prepaid_manifest(invoice).items) == 3


def test_unticking_after_upload_withdraws_it_at_the_next_sync(invoice: Invoice) -> None:
    prepaid_set(invoice=invoice, flag=True, actor=None)
    prepaid_uploaded(invoice.pk, Invoice.objects.get(pk=invoice.pk).prepaid_revision)
    prepaid_set(invoice=invoice, flag=False, actor=None)
    assert list(prepaid_pending()) == [invoice]
    prepaid_withdrawn(invoice.pk)
    invoice.refresh_from_db()
    assert (invoice.prepaid_needs_upload, invoice.prepaid_uploaded_at) == (False, None)


def test_unticking_before_any_upload_sends_nothing(invoice: Invoice) -> None:
    prepaid_set(invoice=invoice, flag=True, actor=None)
    prepaid_set(invoice=invoice, flag=False, actor=None)
    assert list(prepaid_pending()) == []


def test_a_refusal_is_shown_and_tried_again(client: Browser, owner: User, invoice: Invoice) -> None:
    prepaid_set(invoice=invoice, flag=True, actor=None)
    prepaid_failed(invoice.pk, "The session is not online.")
    client.force_login(owner)
    page = client.get(f"/desk/invoices/{invoice.number}/other/").content.decode()
    assert "could not upload it: The session is not online." in page
    assert list(prepaid_pending()) == [invoice]


def test_prepaid_needs_a_session_and_lines(studio: Studio) -> None:
    no_session = invoice_create(client=ClientFactory())
    with pytest.raises(ValidationError, match="session"):
        prepaid_set(invoice=no_session, flag=True, actor=None)
    session = make_session()
    empty = invoice_create(client=session.client, session=session)
    prepaid_set(invoice=empty, flag=True, actor=None)
    with pytest.raises(pydantic.ValidationError):
        prepaid_manifest(empty)


def _picks(invoice: Invoice, chosen: list[Image], at: dt.datetime) -> protocol.PrepaidChange:
    lines = list(invoice.lines.order_by("position"))
    return protocol.PrepaidChange(
        order=invoice.uuid,
        submitted_at=at,
        picks=[
            protocol.PrepaidPick(item=line.uuid, image=image.uuid)
            for line, image in zip(lines, chosen, strict=True)
        ],
    )


def test_picks_set_the_line_images_newest_submission_wins(
    invoice: Invoice, images: list[Image]
) -> None:
    stranger = make_images(make_session(), 1)[0]
    first = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    prepaid_picks_apply(_picks(invoice, [images[0], stranger], first))
    lines = list(invoice.lines.order_by("position"))
    # Another session's image is no pick for this order.
    assert [line.image for line in lines] == [images[0], None]

    later = first + dt.timedelta(hours=2)
    prepaid_picks_apply(_picks(invoice, [images[1], images[2]], later))
    prepaid_picks_apply(_picks(invoice, [images[0], images[0]], first))  # stale, arrives late
    prepaid_picks_apply(_picks(invoice, [images[1], images[2]], later))  # the same again
    lines = list(invoice.lines.order_by("position"))
    assert [line.image for line in lines] == [images[1], images[2]]
    invoice.refresh_from_db()
    assert invoice.prepaid_picks_submitted_at == later


def test_the_other_tab_saves_all_of_it_or_none(studio: Studio) -> None:
    """The Other tab's fields and its prepaid box are one service: a prepaid order that
    cannot be (no session) leaves the notes, shipping and status as they were."""
    lone = invoice_create(client=ClientFactory())
    ready = InvoiceStatus.objects.create(name="Ready for lab", position=99)
    with pytest.raises(ValidationError, match="session"):
        invoice_other_update(
            invoice=lone,
            actor=None,
            status=ready,
            date=lone.date,
            shipping=750,
            notes="Rush",
            prepaid_online=True,
        )
    lone = Invoice.objects.get(pk=lone.pk)
    assert lone.status_id != ready.pk
    assert lone.shipping == 0 and lone.notes == "" and not lone.prepaid_online

    invoice_other_update(
        invoice=lone,
        actor=None,
        status=ready,
        date=lone.date,
        shipping=750,
        notes="Rush",
        prepaid_online=False,
    )
    lone = Invoice.objects.get(pk=lone.pk)
    assert (lone.status_id, lone.shipping, lone.total, lone.notes) == (ready.pk, 750, 750, "Rush")


def test_marking_an_unpaid_invoice_prepaid_asks_for_confirmation_first(
    client: Browser, owner: User, session: Session
) -> None:
    make_price_list()
    invoice = invoice_create(client=session.client, session=session)
    invoice_line_add(invoice=invoice, actor=None, product=Product.objects.get(name="Print"))
    invoice.refresh_from_db()
    payment_add(invoice=invoice, amount=invoice.total // 2, method=PaymentMethod.CARD)
    client.force_login(owner)

    page = _other(client, invoice, prepaid=True)
    assert f"Invoice {invoice.number} is not paid" in page
    assert 'name="confirm_unpaid"' in page
    invoice.refresh_from_db()
    assert not invoice.prepaid_online and not invoice.prepaid_needs_upload

    form = {
        "status": invoice.status_id,
        "date": f"{invoice.date:%Y-%m-%d}",
        "shipping": "0",
        "notes": "",
        "prepaid_online": "on",
        "confirm_unpaid": "on",
    }
    done = client.post(f"/desk/invoices/{invoice.number}/other/", form, follow=True)
    assert "marked for upload at the next sync" in done.content.decode()
    invoice.refresh_from_db()
    assert invoice.prepaid_online and invoice.prepaid_needs_upload
    assert prepaid_manifest(invoice).paid == invoice.total // 2


def test_a_paid_invoice_is_marked_prepaid_without_a_question(
    client: Browser, owner: User, invoice: Invoice
) -> None:
    client.force_login(owner)
    page = _other(client, invoice, prepaid=True)
    assert "marked for upload" in page and 'name="confirm_unpaid"' not in page


def test_two_photographs_for_a_line_of_two_make_a_line_each_and_the_total_stays(
    session: Session, images: list[Image]
) -> None:
    make_price_list()
    invoice = invoice_create(client=session.client, session=session)
    prints = invoice_line_add(
        invoice=invoice, actor=None, product=Product.objects.get(name="Print"), quantity=2
    )
    invoice.refresh_from_db()
    payment_add(invoice=invoice, amount=invoice.total, method=PaymentMethod.CARD)
    prepaid_set(invoice=invoice, flag=True, actor=None)
    prepaid_uploaded(invoice.pk, Invoice.objects.get(pk=invoice.pk).prepaid_revision)
    total = Invoice.objects.get(pk=invoice.pk).total

    at = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    prepaid_picks_apply(
        protocol.PrepaidChange(
            order=invoice.uuid,
            submitted_at=at,
            picks=[
                protocol.PrepaidPick(item=prints.uuid, image=images[0].uuid),
                protocol.PrepaidPick(item=prints.uuid, image=images[1].uuid),
            ],
        )
    )
    lines = list(invoice.lines.order_by("position", "pk"))
    assert [(line.quantity, line.image, line.description) for line in lines] == [
        (1, images[0], prints.description),
        (1, images[1], prints.description),
    ]
    assert sum(line.total for line in lines) == prints.total
    invoice.refresh_from_db()
    assert invoice.total == total
    # The client sees the two lines online at the next sync, each with its photograph.
    assert invoice.prepaid_state == "pending"
    manifest = prepaid_manifest(invoice)
    assert [(i.quantity, i.image) for i in manifest.items] == [
        (1, images[0].uuid),
        (1, images[1].uuid),
    ]
