"""What the studio's synchronizer writes on the gallery, each write idempotent.

Called by the sync API (proofroom.gallery.sync_api) with a studio already resolved from
its API key: every lookup here is scoped to that studio.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from proofroom.gallery.accounts import Account, account_from_studio_client
from proofroom.gallery.blob_writes import blobs_delete_unused
from proofroom.gallery.blobs import blobs_missing
from proofroom.gallery.catalog import PriceList, Product
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineGroup, OnlineImage, OnlineSession, normalize_code
from proofroom.gallery.tenants import Studio, studio_ordering_update, studio_profile_update
from proofroom.sync import protocol


class PublishRefused(Exception):
    """The upload cannot be applied as sent; ``detail`` says why, ``missing`` what to send first."""

    def __init__(self, detail: str, missing: list[str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.missing = missing or []


@atomic
def studio_profile_put(*, studio: Studio, data: protocol.StudioProfile) -> Studio:
    studio_profile_update(
        studio=studio,
        name=data.name,
        email=data.email,
        phone=data.phone,
        website=data.website,
        currency=data.currency,
        time_zone=data.time_zone,
    )
    terms = data.ordering
    return studio_ordering_update(
        studio=studio,
        tax_rate=terms.tax_rate,
        tax_label=terms.tax_label,
        shipping_fee=terms.shipping_fee,
        offer_shipping=terms.offer_shipping,
        offer_pickup=terms.offer_pickup,
    )


def client_put(*, studio: Studio, data: protocol.Client) -> Account:
    return account_from_studio_client(
        studio_id=studio.pk,
        client_uuid=data.uuid,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        phone=data.phone,
        address=data.address.model_dump(),
        login_reset=data.login_reset,
    )


@atomic
def pricelist_put(*, studio: Studio, data: protocol.PriceList) -> PriceList:
    price_list, _ = PriceList.objects.update_or_create(
        studio=studio, uuid=data.uuid, defaults={"name": data.name, "currency": data.currency}
    )
    keep = []
    for position, product in enumerate(data.products):
        Product.objects.update_or_create(
            price_list=price_list,
            uuid=product.uuid,
            defaults={
                "name": product.name,
                "category": product.category.value,
                "size": product.size,
                "price": product.price,
                "position": position,
                "items": [
                    {"product": str(i.product), "quantity": i.quantity} for i in product.items
                ],
            },
        )
        keep.append(product.uuid)
    price_list.products.exclude(uuid__in=keep).delete()
    return price_list


def _check_code_free(studio: Studio, data: protocol.Session) -> None:
    """Guests open an event by its code alone, so no two sessions of a studio that are up
    share one; publishes of a studio's events take turns on its row to keep it so."""
    code = normalize_code(data.event_code)
    if data.event_type == protocol.EventType.NONE or not code:
        return
    Studio.objects.select_for_update().filter(pk=studio.pk).exists()
    other = (
        OnlineSession.objects.filter(studio=studio, event_code=code, taken_down_at=None)
        .exclude(event_type=protocol.EventType.NONE)
        .exclude(uuid=data.uuid)
        .first()
    )
    if other is not None:
        raise PublishRefused(
            f"The event code {code} is used by another online session of the studio "
            f"(#{other.number} {other.title}): give this session another code."
        )


@atomic
def session_publish(*, studio: Studio, data: protocol.Session) -> OnlineSession:
    """Publish or update an online session as one atomic change.

    Refused (and nothing changed) when a derivative it names is not uploaded yet,
    so clients never see a half-published session.
    """
    hashes = [h for image in data.images for h in (image.preview, image.thumbnail)]
    missing = blobs_missing(studio_id=studio.pk, hashes=hashes)
    if missing:
        raise PublishRefused("Upload these derivatives first.", missing)
    account = Account.objects.filter(studio=studio, client_uuid=data.client).first()
    if account is None:
        raise PublishRefused("Upload the session's client first.")
    price_list = None
    if data.price_list is not None:
        price_list = PriceList.objects.filter(studio=studio, uuid=data.price_list).first()
        if price_list is None:
            raise PublishRefused("Upload the session's price list first.")
    if data.event_type == protocol.EventType.PRIVATE and not normalize_code(data.event_code):
        raise PublishRefused("A private event needs an event code.")
    _check_code_free(studio, data)

    session, _ = OnlineSession.objects.select_for_update().update_or_create(
        studio=studio,
        uuid=data.uuid,
        defaults={
            "number": data.number,
            "account": account,
            "title": data.title,
            "date": data.date,
            "expire_date": data.expire_date,
            "price_list": price_list,
            "event_type": data.event_type.value,
            "event_code": normalize_code(data.event_code),
            "event_description": data.event_description,
            "taken_down_at": None,
            "yearbook_deadline": data.yearbook.deadline if data.yearbook else None,
            "yearbook_images": [str(u) for u in data.yearbook.images] if data.yearbook else [],
        },
    )
    gone: set[str] = set()
    wanted = {image.uuid for image in data.images}
    for old in session.images.exclude(uuid__in=wanted):
        gone.update((old.preview, old.thumbnail))
    session.images.exclude(uuid__in=wanted).delete()
    existing = {image.uuid: image for image in session.images.all()}
    for item in data.images:
        image = existing.get(item.uuid) or OnlineImage(session=session, uuid=item.uuid)
        if image.pk and (image.preview, image.thumbnail) != (item.preview, item.thumbnail):
            gone.update((image.preview, image.thumbnail))
        image.file_name, image.position = item.file_name, item.position
        image.preview, image.thumbnail = item.preview, item.thumbnail
        image.preview_width, image.preview_height = item.preview_width, item.preview_height
        image.save()
    by_uuid = {image.uuid: image.pk for image in session.images.all()}
    session.groups.exclude(uuid__in=[g.uuid for g in data.groups]).delete()
    for position, wanted_group in enumerate(data.groups):
        group, _ = OnlineGroup.objects.update_or_create(
            session=session,
            uuid=wanted_group.uuid,
            defaults={"name": wanted_group.name, "position": position},
        )
        group.images.set([by_uuid[u] for u in wanted_group.images if u in by_uuid])
    if gone:
        blobs_delete_unused(studio_id=studio.pk, hashes=gone)
    return session


@atomic
def session_take_down(*, studio: Studio, session_uuid: uuid.UUID) -> bool:
    """Close a session and delete its derivatives; False when the studio has no such session."""
    found = OnlineSession.objects.select_for_update().filter(studio=studio, uuid=session_uuid)
    session = found.first()
    if session is None:
        return False
    hashes: set[str] = set()
    for preview, thumbnail in session.images.values_list("preview", "thumbnail"):
        hashes.update((preview, thumbnail))
    session.images.all().delete()
    session.groups.all().delete()
    if session.taken_down_at is None:
        session.taken_down_at = timezone.now()
        session.save(update_fields=["taken_down_at", "updated_at"])
    blobs_delete_unused(studio_id=studio.pk, hashes=hashes)
    return True
