"""A service told to change a field it does not have refuses, and changes nothing: a
misspelt field is an error, never a silent drop."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from proofroom.studio.clients import Client, client_create, client_update
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.invoices.services import (
    invoice_create,
    invoice_line_add,
    invoice_line_update,
    invoice_update,
)
from proofroom.studio.sessions import Session, session_update
from proofroom.studio.studios import Studio, studio_update


def call(service: Any, **kwargs: Any) -> Any:
    """Through ``Any``, as a view passing a form's data does: only the service can refuse."""
    return service(**kwargs)


def test_a_misspelt_client_field_is_an_error_and_nothing_is_saved(db: None) -> None:
    with pytest.raises(TypeError, match="'emial'"):
        call(client_create, first_name="Ana", last_name="Souza", emial="ana@example.com")
    assert not Client.objects.exists()

    ana = client_create(first_name="Ana", last_name="Souza", email="ana@example.com")
    with pytest.raises(TypeError, match="'phnoe'"):
        call(client_update, client=ana, phnoe="555-0100")
    ana.refresh_from_db()
    assert ana.phone == ""
    client_update(client=ana, phone="555-0100")
    ana.refresh_from_db()
    assert ana.phone == "555-0100"


def test_a_misspelt_session_field_is_an_error(session: Session) -> None:
    with pytest.raises(TypeError, match="'descripton'"):
        call(session_update, session=session, descripton="Smith wedding")
    session.refresh_from_db()
    assert session.description != "Smith wedding"
    session_update(session=session, description="Smith wedding")
    session.refresh_from_db()
    assert session.description == "Smith wedding"


def test_a_misspelt_or_uneditable_studio_field_is_an_error(studio: Studio) -> None:
    with pytest.raises(TypeError, match="'tax_rte'"):
        call(studio_update, studio=studio, tax_rte=825)
    with pytest.raises(TypeError, match="'watermark_image'"):
        # Not one of the Settings page's fields: it has its own service.
        call(studio_update, studio=studio, watermark_image="watermarks/x.png")
    studio.refresh_from_db()
    assert studio.tax_rate == 0
    studio_update(studio=studio, tax_rate=825)
    studio.refresh_from_db()
    assert studio.tax_rate == 825


def test_a_misspelt_invoice_or_line_field_is_an_error(session: Session, owner: User) -> None:
    invoice = invoice_create(client=session.client, session=session)
    with pytest.raises(TypeError, match="'shiping'"):
        call(invoice_update, invoice=invoice, actor=owner, shiping=750)
    with pytest.raises(TypeError, match="'total'"):
        call(invoice_update, invoice=invoice, actor=owner, total=1)  # computed, not typed
    line = invoice_line_add(invoice=invoice, actor=owner, description="Print", unit_price=1000)
    with pytest.raises(TypeError, match="'quantty'"):
        call(invoice_line_update, line=line, actor=owner, quantty=3)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.shipping, invoice.total) == (0, 1000)
    line.refresh_from_db()
    assert line.quantity == 1

    invoice_update(invoice=invoice, actor=owner, shipping=750)
    invoice_line_update(line=line, actor=owner, quantity=3)
    invoice.refresh_from_db()
    assert (invoice.shipping, invoice.total) == (750, 3750)
