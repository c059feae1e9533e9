"""Prepaid orders: the studio uploads an invoice paid at the studio; the client sees it in
their account, picks an image of the session for each item, and submits the picks, which
go home through the change feed (again on each re-submit, until the session expires)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.feed import Change, changes_ack, feed_head
from proofroom.gallery.prepaid import (
    PrepaidItem,
    PrepaidOrder,
    PrepaidRefused,
    prepaid_put,
    prepaid_submit,
    prepaid_withdraw,
)
from proofroom.gallery.publishing import session_take_down
from proofroom.gallery.tenants import Studio, api_key_create
from proofroom.sync import protocol
from proofroom.sync.protocol import ChangeKind, EventType
from tests.cast import Published, make_client, make_guest, publish, sign_in, today

pytestmark = pytest.mark.django_db

INVOICE = uuid.UUID("11111111-1111-4111-8111-111111111111")
PRINTS = uuid.UUID("22222222-2222-4222-8222-222222222222")
CANVAS = uuid.UUID("33333333-3333-4333-8333-333333333333")
WALLETS = uuid.UUID("44444444-4444-4444-8444-444444444444")


def upload(
    studio: Studio, account: Account, published: Published, items: list[protocol.PrepaidItem]
) -> PrepaidOrder:
    return prepaid_put(
        studio=studio,
        data=protocol.PrepaidOrder(
            uuid=INVOICE,
            number=1042,
            client=account.client_uuid,
            session=published.session.uuid,
            currency="USD",
            total=18000,
            paid=18000,
            items=items,
        ),
    )


ITEMS = [
    protocol.PrepaidItem(uuid=PRINTS, name="Print", size="8×10 in", quantity=2),
    protocol.PrepaidItem(uuid=CANVAS, name="Gallery canvas", size="16×20 in", quantity=1),
]


@pytest.fixture
def prepaid(gallery_studio: Studio, ada: Account, published: Published) -> PrepaidOrder:
    return upload(gallery_studio, ada, published, ITEMS)


PAGE = f"/s/northlight/prepaid/{INVOICE}/"
SAVE = f"{PAGE}save/"
SUBMIT = f"{PAGE}submit/"


def picks(published: Published, prints: int | None, canvas: int | None) -> dict[str, str]:
    data = {}
    if prints is not None:
        data[f"item-{PRINTS}"] = str(published.images[prints].uuid)
    if canvas is not None:
        data[f"item-{CANVAS}"] = str(published.images[canvas].uuid)
    return data


def chosen(order: PrepaidOrder) -> dict[uuid.UUID, str | None]:
    return {
        item.uuid: item.image.file_name if item.image else None
        for item in PrepaidItem.objects.filter(order=order).select_related("image")
    }


def prepaid_changes() -> list[protocol.PrepaidChange]:
    return [
        protocol.PrepaidChange.model_validate(c.payload)
        for c in Change.objects.filter(kind=ChangeKind.PREPAID).order_by("id")
    ]


def test_a_prepaid_order_shows_on_the_clients_account_with_its_items(
    viewer: Client, prepaid: PrepaidOrder
) -> None:
    for page in ("account", "home"):
        body = viewer.get(f"/s/northlight/{page}/").content.decode()
        assert "Prepaid orders" in body and "Invoice 1042" in body
        assert "2 × Print · 8×10 in" in body and "1 × Gallery canvas · 16×20 in" in body
        assert f'href="{PAGE}"' in body
    page = viewer.get(PAGE).content.decode()
    assert "Choose your images" in page
    # The print (two copies) has a chooser per copy, the second with "Same as copy 1".
    assert page.count('type="radio"') == 3 * 12 + 1


def test_picking_and_submitting_sends_the_picks_to_the_studio_once(
    viewer: Client, prepaid: PrepaidOrder, published: Published
) -> None:
    viewer.post(SAVE, picks(published, 3, None))
    assert chosen(prepaid) == {PRINTS: "IMG_0004.jpg", CANVAS: None}
    assert prepaid_changes() == []  # kept, not sent

    refused = viewer.post(SUBMIT, follow=True).content.decode()
    assert "Choose an image for every item first: 1 × Gallery canvas 16×20 in." in refused
    assert prepaid_changes() == []

    done = viewer.post(SUBMIT, picks(published, None, 7), follow=True)
    assert "Your choices are sent to the studio." in done.content.decode()
    assert "Sent to the studio" in done.content.decode()
    (sent,) = prepaid_changes()
    assert sent.order == INVOICE
    assert {(p.item, p.image) for p in sent.picks} == {
        (PRINTS, published.images[3].uuid),
        (CANVAS, published.images[7].uuid),
    }


def test_picks_can_be_changed_and_sent_again_and_the_studio_receives_them(
    viewer: Client, gallery_studio: Studio, prepaid: PrepaidOrder, published: Published
) -> None:
    viewer.post(SUBMIT, picks(published, 0, 1))
    changes_ack(
        studio_id=gallery_studio.pk,
        kind=ChangeKind.PREPAID,
        upto=feed_head(studio_id=gallery_studio.pk),
    )
    assert "Received by the studio" in viewer.get(PAGE).content.decode()

    viewer.post(SAVE, picks(published, 5, 1))
    page = viewer.get(PAGE).content.decode()
    assert "You changed your choices since you sent them" in page
    viewer.post(SUBMIT, picks(published, 5, 1))
    first, second = prepaid_changes()
    assert {p.image for p in first.picks} == {published.images[0].uuid, published.images[1].uuid}
    assert {p.image for p in second.picks} == {published.images[5].uuid, published.images[1].uuid}
    assert second.submitted_at > first.submitted_at
    page = viewer.get(PAGE).content.decode()
    assert "Sent to the studio" in page and "You changed your choices" not in page


def test_an_image_of_another_session_is_refused(
    viewer: Client,
    gallery_studio: Studio,
    ada: Account,
    prepaid: PrepaidOrder,
    published: Published,
) -> None:
    other = publish(gallery_studio, ada, images=2, title="Another day")
    data = {f"item-{PRINTS}": str(other.images[0].uuid)}
    page = viewer.post(SAVE, data, follow=True).content.decode()
    assert "Choose images of this order&#x27;s gallery only." in page
    assert chosen(prepaid) == {PRINTS: None, CANVAS: None}
    with pytest.raises(PrepaidRefused):
        prepaid_submit(order=prepaid, picks={PRINTS: other.images[0].uuid, CANVAS: None})
    assert prepaid_changes() == []


def test_no_one_else_sees_a_clients_prepaid_order(
    client: Client, gallery_studio: Studio, rival_studio: Studio, prepaid: PrepaidOrder
) -> None:
    mia = make_guest(gallery_studio)
    sign_in(client, mia)
    assert client.get(PAGE).status_code == 404
    assert client.post(SUBMIT).status_code == 404
    assert "Invoice 1042" not in client.get("/s/northlight/account/").content.decode()
    rex = make_client(rival_studio, first="Rex", last="Rival", email="rex@rival.example")
    rival = Client()
    sign_in(rival, rex)
    assert rival.get(f"/s/rival/prepaid/{INVOICE}/").status_code == 404
    assert "Invoice 1042" not in rival.get("/s/rival/account/").content.decode()


def test_a_prepaid_order_on_a_public_event_lets_its_client_view_the_event(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    parent = make_client(gallery_studio, first="Pia", last="Berg", email="pia@berg.example")
    school = publish(gallery_studio, ada, images=4, event_type=EventType.PUBLIC, title="School")
    prepaid_put(
        studio=gallery_studio,
        data=protocol.PrepaidOrder(
            uuid=INVOICE,
            number=7,
            client=parent.client_uuid,
            session=school.session.uuid,
            currency="USD",
            total=3000,
            paid=3000,
            items=[protocol.PrepaidItem(uuid=PRINTS, name="Print", quantity=1)],
        ),
    )
    sign_in(client, parent)
    assert client.get(PAGE).status_code == 200
    thumb = f"/s/northlight/i/{school.images[2].uuid}/thumb/"
    assert client.get(thumb).status_code == 200
    client.post(SUBMIT, {f"item-{PRINTS}": str(school.images[2].uuid)})
    (sent,) = prepaid_changes()
    assert sent.picks[0].image == school.images[2].uuid


def test_a_re_upload_replaces_the_items_and_keeps_the_picks_of_those_that_remain(
    viewer: Client,
    gallery_studio: Studio,
    ada: Account,
    prepaid: PrepaidOrder,
    published: Published,
) -> None:
    viewer.post(SAVE, picks(published, 2, 4))
    again = upload(
        gallery_studio,
        ada,
        published,
        [
            protocol.PrepaidItem(uuid=PRINTS, name="Print", size="8×10 in", quantity=3),
            protocol.PrepaidItem(
                uuid=WALLETS, name="Wallets", quantity=8, image=published.images[9].uuid
            ),
        ],
    )
    assert again.pk == prepaid.pk and PrepaidOrder.objects.count() == 1
    assert chosen(prepaid) == {PRINTS: "IMG_0003.jpg", WALLETS: "IMG_0010.jpg"}
    assert PrepaidItem.objects.get(uuid=PRINTS).quantity == 3


def test_the_studios_upload_is_refused_for_an_unknown_client_or_session(
    gallery_studio: Studio, rival_studio: Studio, ada: Account, published: Published
) -> None:
    rex = make_client(rival_studio, first="Rex", last="Rival", email="rex@rival.example")
    with pytest.raises(PrepaidRefused, match="client"):
        upload(gallery_studio, rex, published, ITEMS)
    with pytest.raises(PrepaidRefused, match="session"):
        upload(rival_studio, rex, published, ITEMS)  # our session is unknown to the rival
    session_take_down(studio=gallery_studio, session_uuid=published.session.uuid)
    with pytest.raises(PrepaidRefused, match="taken down"):
        upload(gallery_studio, ada, published, ITEMS)
    assert not PrepaidOrder.objects.exists()


def test_a_withdrawn_order_leaves_the_account(
    viewer: Client, gallery_studio: Studio, rival_studio: Studio, prepaid: PrepaidOrder
) -> None:
    assert prepaid_withdraw(studio=rival_studio, uuid=INVOICE) is False
    assert prepaid_withdraw(studio=gallery_studio, uuid=INVOICE) is True
    assert prepaid_withdraw(studio=gallery_studio, uuid=INVOICE) is True  # repeatable
    assert viewer.get(PAGE).status_code == 404
    assert "Invoice 1042" not in viewer.get("/s/northlight/account/").content.decode()


def test_after_the_session_expires_the_picks_can_no_longer_change(
    viewer: Client, prepaid: PrepaidOrder, published: Published
) -> None:
    OnlineSession.objects.filter(pk=published.session.pk).update(
        expire_date=today().replace(year=2001)
    )
    page = viewer.get(PAGE).content.decode()
    assert "This gallery has expired; your choices can no longer be changed." in page
    viewer.post(SUBMIT, picks(published, 0, 1))
    assert chosen(prepaid) == {PRINTS: None, CANVAS: None} and prepaid_changes() == []


def _put_over_api(client: Client, key: str, order: protocol.PrepaidOrder) -> tuple[int, str]:
    response = client.put(
        f"/api/sync/v1/prepaid-orders/{order.uuid}",
        order.model_dump_json(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    return response.status_code, response.json().get("detail", "")


def test_a_prepaid_order_on_another_clients_session_is_refused_and_never_shown(
    client: Client, gallery_studio: Studio, ada: Account, published: Published
) -> None:
    """Issue 13, defect 9: an invoice for client Pia on client Ada's session (client-only, or
    a private event) is refused by the sync API with a reason, and one an older gallery
    stored anyway shows Pia neither the order nor Ada's photographs."""
    pia = make_client(gallery_studio, first="Pia", last="Berg", email="pia@berg.example")
    wedding = publish(
        gallery_studio, ada, images=4, event_type=EventType.PRIVATE, code="ADA1", title="Wedding"
    )
    key = api_key_create(studio=gallery_studio)
    for session in (published.session, wedding.session):
        order = protocol.PrepaidOrder(
            uuid=INVOICE,
            number=7,
            client=pia.client_uuid,
            session=session.uuid,
            currency="USD",
            total=3000,
            paid=3000,
            items=[protocol.PrepaidItem(uuid=PRINTS, name="Print", quantity=1)],
        )
        status, detail = _put_over_api(client, key, order)
        assert status == 409
        assert "belongs to another client" in detail
    assert not PrepaidOrder.objects.exists()

    stored_earlier = PrepaidOrder.objects.create(
        studio=gallery_studio,
        uuid=INVOICE,
        number=7,
        account=pia,
        session=published.session,
        currency="USD",
        total=3000,
        paid=3000,
    )
    stored_earlier.items.create(uuid=PRINTS, name="Print", quantity=1)
    sign_in(client, pia)
    assert "Invoice 7" not in client.get("/s/northlight/account/").content.decode()
    assert client.get(PAGE).status_code == 404
    assert client.post(SAVE, {f"item-{PRINTS}": str(published.images[0].uuid)}).status_code == 404
    assert client.get(f"/s/northlight/i/{published.images[0].uuid}/thumb/").status_code == 404


def test_the_gallery_calls_an_invoice_paid_only_when_the_payments_cover_it(
    viewer: Client, gallery_studio: Studio, ada: Account, published: Published
) -> None:
    order = upload(gallery_studio, ada, published, ITEMS)
    assert "Invoice 1042 is paid." in viewer.get(PAGE).content.decode()
    PrepaidOrder.objects.filter(pk=order.pk).update(paid=5000)
    page = viewer.get(PAGE).content.decode()
    assert "is paid" not in page
    assert "$50.00 of $180.00 paid; $130.00 is still to pay at Northlight Studio" in page
    home = viewer.get("/s/northlight/home/").content.decode()
    assert "$130.00 still to pay" in home


def test_a_line_of_quantity_two_lets_the_client_pick_two_photographs(
    viewer: Client, prepaid: PrepaidOrder, published: Published
) -> None:
    page = viewer.get(PAGE).content.decode()
    assert "copy 2 of 2" in page and "Same as copy 1" in page
    assert "Gallery canvas · 16×20 in · copy" not in page  # one canvas, one photograph
    second = {f"copy-{PRINTS}-2": str(published.images[9].uuid)}
    viewer.post(SAVE, picks(published, 3, 7) | second)
    page = viewer.get(PAGE).content.decode()
    assert f'name="copy-{PRINTS}-2" value="{published.images[9].uuid}" checked' in page
    viewer.post(SUBMIT, picks(published, 3, 7) | second)
    (sent,) = prepaid_changes()
    assert [(p.item, p.image) for p in sent.picks] == [
        (PRINTS, published.images[3].uuid),
        (PRINTS, published.images[9].uuid),
        (CANVAS, published.images[7].uuid),
    ]
    # Back to one photograph for both copies: the print is named once.
    viewer.post(SUBMIT, picks(published, 3, 7) | {f"copy-{PRINTS}-2": "same"})
    *_, again = prepaid_changes()
    assert [(p.item, p.image) for p in again.picks] == [
        (PRINTS, published.images[3].uuid),
        (CANVAS, published.images[7].uuid),
    ]
