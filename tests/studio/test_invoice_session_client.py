"""An invoice's session is one of its client's sessions: the desk refuses any other."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from proofroom.studio.invoices.models import Invoice
from proofroom.studio.invoices.prepaid import prepaid_set
from proofroom.studio.invoices.services import invoice_create, invoice_update
from proofroom.studio.studios import Studio
from tests.factories import ClientFactory, make_session

pytestmark = pytest.mark.django_db


def test_the_desk_refuses_an_invoice_for_one_client_on_anothers_session(
    client: Browser, owner: User, studio: Studio
) -> None:
    """Issue 13, defect 9: an invoice for client A on client B's session is refused with a
    form error naming the session's client, by the page and by the services."""
    ana = ClientFactory(first_name="Ana", last_name="Souza")
    ben = ClientFactory(first_name="Ben", last_name="Okafor")
    newborn = make_session(client=ben, description="Newborn")
    client.force_login(owner)
    response = client.post(
        "/desk/invoices/new/", {"client": ana.pk, "session": newborn.pk, "date": "2026-11-28"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Session #{newborn.number} belongs to Ben Okafor" in page
    assert not Invoice.objects.exists()

    with pytest.raises(ValidationError, match="belongs to Ben Okafor"):
        invoice_create(client=ana, session=newborn)
    own = invoice_create(client=ana, session=make_session(client=ana))
    with pytest.raises(ValidationError, match="belongs to Ben Okafor"):
        invoice_update(invoice=own, actor=owner, session=newborn)
    own.refresh_from_db()
    assert own.session.client == ana


def test_an_earlier_mismatched_invoice_cannot_be_made_prepaid(studio: Studio) -> None:
    """Issue 13, defect 9: an invoice saved before the rule (A's invoice on B's session) is
    not uploaded as a prepaid order: ticking prepaid is refused with the reason."""
    ana, ben = ClientFactory(), ClientFactory(last_name="Okafor")
    invoice = invoice_create(client=ana)
    Invoice.objects.filter(pk=invoice.pk).update(session=make_session(client=ben))
    invoice.refresh_from_db()
    with pytest.raises(ValidationError, match="belongs to"):
        prepaid_set(invoice=invoice, flag=True, actor=None)
    invoice.refresh_from_db()
    assert not invoice.prepaid_online and not invoice.prepaid_needs_upload
