"""Make a Deposit: a day's undeposited payments by method, online card payments included, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as Browser

from proofroom.studio.deposits import deposit_candidates
from proofroom.studio.invoices.models import Deposit, PaymentMethod
from proofroom.studio.invoices.services import invoice_create, payment_add
from proofroom.studio.invoices.web_orders import invoice_from_web_order
from proofroom.studio.pricelists import Product
from proofroom.studio.studios import Studio
from tests.factories import ClientFactory, make_price_list, make_session, web_order

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 28)


@pytest.fixture
def payments(studio: Studio) -> None:
    studio.time_zone = "America/Chicago"
    studio.save()
    make_price_list()
    session = make_session()
    # Paid online at 01:15 UTC on the 29th, which is the 28th in Chicago.
    invoice_from_web_order(
        web_order(
            session=session,
            client=session.client,
            lines=[(Product.objects.get(name="Gallery canvas"), None, 1)],
            payments=[
                (22500, "pi_canvas", dt.datetime(2026, 11, 29, 1, 15, tzinfo=dt.UTC)),
            ],
        )
    )
    at_desk = invoice_create(client=ClientFactory())
    payment_add(invoice=at_desk, amount=4000, method=PaymentMethod.CASH, received_on=DAY)
    payment_add(invoice=at_desk, amount=1500, method=PaymentMethod.CASH, received_on=DAY)
    payment_add(
        invoice=at_desk, amount=9900, method=PaymentMethod.CHECK, received_on=DAY, reference="311"
    )
    payment_add(
        invoice=at_desk,
        amount=7777,
        method=PaymentMethod.CASH,
        received_on=DAY + dt.timedelta(days=1),
    )


def test_the_days_payments_grouped_by_method_with_online_card_payments(
    desk: Browser, payments: None
) -> None:
    response = desk.get(f"/desk/deposits/?date={DAY:%Y-%m-%d}")
    methods = {m.label: (m.count, m.total) for m in response.context["methods"]}
    assert methods == {
        "Cash": (2, 5500),
        "Check": (1, 9900),
        "Card (online)": (1, 22500),
    }
    page = response.content.decode()
    assert "$379.00" in page  # 55.00 + 99.00 + 225.00
    assert "$77.77" not in page  # the next day's cash waits for its own deposit
    assert "pi_canvas" in page


def test_a_deposited_payment_is_not_offered_again(desk: Browser, payments: None) -> None:
    response = desk.post("/desk/deposits/record/", {"date": f"{DAY:%Y-%m-%d}"}, follow=True)
    deposit = Deposit.objects.get()
    assert (deposit.date, deposit.total, deposit.payments.count()) == (DAY, 37900, 4)
    assert "Deposit of $379.00 recorded" in response.content.decode()
    assert not deposit_candidates(date=DAY).exists()

    again = desk.post("/desk/deposits/record/", {"date": f"{DAY:%Y-%m-%d}"}, follow=True)
    assert "no payments left to deposit" in again.content.decode()
    assert Deposit.objects.count() == 1
    page = desk.get(f"/desk/deposits/?date={DAY:%Y-%m-%d}").content.decode()
    assert "No payments left to deposit for this day." in page

    # A payment taken later that day goes into a new deposit, alone.
    payment_add(
        invoice=deposit.payments.first().invoice,  # type: ignore[union-attr]
        amount=1000,
        method=PaymentMethod.CASH,
        received_on=DAY,
    )
    desk.post("/desk/deposits/record/", {"date": f"{DAY:%Y-%m-%d}"})
    assert list(Deposit.objects.order_by("pk").values_list("total", flat=True)) == [37900, 1000]
