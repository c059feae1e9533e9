"""What the studio's records look like on the wire: the protocol's schemas built from them.

Reads only; nothing here talks to the gallery or changes a row.
"""

from __future__ import annotations

from proofroom.studio.clients import Client
from proofroom.studio.downloads import YearbookSettings
from proofroom.studio.images import DerivativeStatus, Image, ImageGroup
from proofroom.studio.online import OnlineSettings
from proofroom.studio.pricelists import PriceList
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio
from proofroom.sync import protocol


def studio_profile(studio: Studio) -> protocol.StudioProfile:
    return protocol.StudioProfile(
        name=studio.name,
        email=studio.email,
        phone=studio.phone,
        website=studio.website,
        currency=studio.currency,
        time_zone=studio.time_zone,
        ordering=protocol.OrderingTerms(
            tax_rate=studio.tax_rate,
            tax_label=studio.tax_label,
            shipping_fee=studio.shipping_fee,
            offer_shipping=studio.offer_shipping,
            offer_pickup=studio.offer_pickup,
        ),
    )


def client_record(client: Client) -> protocol.Client:
    return protocol.Client(
        uuid=client.uuid,
        first_name=client.first_name,
        last_name=client.last_name,
        email=client.email,
        phone=client.phone,
        address=protocol.Address(
            street=client.street,
            city=client.city,
            region=client.region,
            postal_code=client.postal_code,
            country=client.country,
        ),
        login_reset=client.login_reset,
    )


def price_list_record(price_list: PriceList) -> protocol.PriceList:
    products = list(price_list.products.prefetch_related("package_items__product"))
    return protocol.PriceList(
        uuid=price_list.uuid,
        name=price_list.name,
        currency=price_list.currency,
        products=[
            protocol.Product(
                uuid=p.uuid,
                name=p.name,
                category=protocol.ProductCategory(p.category),
                size=p.size,
                price=p.price,
                items=[
                    protocol.PackageItem(product=i.product.uuid, quantity=i.quantity)
                    for i in p.package_items.all()
                ],
            )
            for p in products
        ],
    )


def session_manifest(online: OnlineSettings) -> protocol.Session:
    """The session as the gallery publishes it: only images whose previews are made."""
    session = online.session
    images = list(online.images.filter(status=DerivativeStatus.READY).order_by("position", "pk"))
    chosen = {image.pk for image in images}
    groups = []
    for group in ImageGroup.objects.filter(session=session, show_online=True).prefetch_related(
        "images"
    ):
        groups.append(
            protocol.Group(
                uuid=group.uuid,
                name=group.name,
                images=[i.uuid for i in group.images.all() if i.pk in chosen],
            )
        )
    return protocol.Session(
        uuid=session.uuid,
        number=session.number,
        client=session.client.uuid,
        date=session.date,
        title=session.title,
        expire_date=online.expire_date,
        price_list=online.price_list.uuid if online.price_list else None,
        event_type=protocol.EventType(online.event_type),
        event_code=online.event_code,
        event_description=online.event_description,
        groups=groups,
        yearbook=yearbook(session, chosen),
        images=[
            protocol.Image(
                uuid=i.uuid,
                file_name=i.file_name,
                position=n,
                preview=i.preview_sha256,
                preview_width=i.preview_width or 1,
                preview_height=i.preview_height or 1,
                thumbnail=i.thumbnail_sha256,
            )
            for n, i in enumerate(images)
        ],
    )


def yearbook(session: Session, chosen: set[int]) -> protocol.Yearbook | None:
    settings = YearbookSettings.objects.filter(session=session).first()
    if settings is None:
        return None
    eligible = Image.objects.filter(pk__in=chosen)
    if settings.eligible_group_id:
        eligible = eligible.filter(groups=settings.eligible_group_id)
    return protocol.Yearbook(
        deadline=settings.deadline,
        images=list(eligible.order_by("position").values_list("uuid", flat=True)),
    )
