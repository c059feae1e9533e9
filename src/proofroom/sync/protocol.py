"""Sync protocol v1: the wire schemas shared by the studio and the gallery.

Additive changes only. Every model keeps fields it does not know
(``extra="allow"``), so an older gallery accepts a newer studio's upload and
a newer field is never an error. Money is integer minor units plus an ISO 4217
currency; dates are ISO dates in the studio's time zone.
"""

from __future__ import annotations

import datetime as dt
import enum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

VERSION = 1
PREFIX = "/api/sync/v1"
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class EventType(enum.StrEnum):
    """Who may view an online session (the seed's "Event Type")."""

    NONE = "none"  # the client and the people they invite
    PRIVATE = "private"  # anyone with the event code
    PUBLIC = "public"  # listed on the studio's site


class ProductCategory(enum.StrEnum):
    PRINT = "print"
    CANVAS = "canvas"
    DIGITAL = "digital"
    PACKAGE = "package"
    OTHER = "other"


class OrderingTerms(Wire):
    """How the studio sells online: the gallery prices every cart with these."""

    tax_rate: int = Field(
        default=0, ge=0, le=10_000, description="Basis points on the goods: 825 is 8.25 %."
    )
    tax_label: str = Field(default="Tax", max_length=40)
    shipping_fee: int = Field(default=0, ge=0, description="Minor units per order that is shipped.")
    offer_shipping: bool = True
    offer_pickup: bool = True


class StudioProfile(Wire):
    """The studio's public face on its gallery site."""

    name: str = Field(max_length=120)
    email: str = ""
    phone: str = ""
    website: str = ""
    currency: str = Field(min_length=3, max_length=3)
    time_zone: str = "UTC"
    ordering: OrderingTerms = Field(default_factory=OrderingTerms)


class Address(Wire):
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


class Client(Wire):
    uuid: UUID
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str = ""
    phone: str = ""
    address: Address = Field(default_factory=Address)
    login_reset: int = Field(
        0,
        ge=0,
        description="Grows by one each time the studio presses Reset Login; when it grows, "
        "the gallery puts the user name back to the email and the password to the last name.",
    )


class PackageItem(Wire):
    product: UUID
    quantity: int = Field(ge=1)


class Product(Wire):
    uuid: UUID
    name: str = Field(max_length=120)
    category: ProductCategory
    size: str = ""
    price: int = Field(ge=0, description="Minor units of the price list's currency.")
    items: list[PackageItem] = Field(default_factory=list)


class PriceList(Wire):
    uuid: UUID
    name: str = Field(max_length=100)
    currency: str = Field(min_length=3, max_length=3)
    products: list[Product] = Field(default_factory=list)


class Group(Wire):
    uuid: UUID
    name: str = Field(max_length=80)
    images: list[UUID] = Field(default_factory=list)


class Image(Wire):
    uuid: UUID
    file_name: str = Field(max_length=255)
    position: int = Field(ge=0)
    preview: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the preview JPEG")
    preview_width: int = Field(gt=0)
    preview_height: int = Field(gt=0)
    thumbnail: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the thumbnail JPEG")


class Yearbook(Wire):
    """The client picks one yearbook pose among ``images`` until ``deadline`` (inclusive)."""

    deadline: dt.date
    images: list[UUID] = Field(default_factory=list)


class Session(Wire):
    """An online session: everything the gallery shows of it, in one idempotent PUT."""

    uuid: UUID
    number: int = Field(ge=1)
    client: UUID
    date: dt.date
    title: str = Field(max_length=200)
    expire_date: dt.date
    price_list: UUID | None = None
    event_type: EventType = EventType.NONE
    event_code: str = Field(default="", max_length=40)
    event_description: str = Field("", max_length=500)
    groups: list[Group] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    yearbook: Yearbook | None = None


class PrepaidItem(Wire):
    """One line of a prepaid invoice; the client chooses the image it is made from."""

    uuid: UUID = Field(description="The studio's invoice line.")
    name: str = Field(max_length=200)
    size: str = Field(default="", max_length=40)
    quantity: int = Field(ge=1)
    image: UUID | None = Field(
        default=None, description="An image the studio already chose, if any."
    )


class PrepaidOrder(Wire):
    """An invoice the client paid at the studio; they pick the images online."""

    uuid: UUID = Field(description="The studio's invoice.")
    number: int = Field(ge=1, description="The studio's invoice number.")
    client: UUID
    session: UUID
    currency: str = Field(min_length=3, max_length=3)
    total: int = Field(ge=0)
    paid: int = Field(ge=0)
    items: list[PrepaidItem] = Field(min_length=1)


class BlobQuery(Wire):
    hashes: list[str] = Field(max_length=10_000)


class BlobAnswer(Wire):
    missing: list[str]


class BlobRefusal(Wire):
    sha256: str
    detail: str


class BatchAnswer(Wire):
    stored: list[str]
    refused: list[BlobRefusal] = Field(default_factory=list)


class SessionAnswer(Wire):
    uuid: UUID
    images: int
    url: str


class SessionState(Wire):
    uuid: UUID
    expire_date: dt.date
    images: int
    taken_down: bool


class Refusal(Wire):
    """409: the upload cannot be applied yet; ``missing`` lists derivatives to send first."""

    detail: str
    missing: list[str] = Field(default_factory=list)


class Ok(Wire):
    ok: bool = True
    version: int = VERSION


class Problem(Wire):
    detail: str


# --- The change feed (gallery → studio) -------------------------------------------


class ChangeKind(enum.StrEnum):
    """What the studio downloads; each is one checkbox of the synchronizer."""

    FAVOURITES = "favourites"
    GUEST = "guest"
    YEARBOOK = "yearbook"
    ORDER = "order"
    PREPAID = "prepaid"


class FavouritesChange(Wire):
    """One account's whole set of favourites in a session, after a heart or un-heart."""

    session: UUID
    account: UUID
    client: UUID | None = None
    images: list[UUID] = Field(default_factory=list)


class GuestChange(Wire):
    account: UUID
    first_name: str
    last_name: str
    email: str
    session: UUID | None = None


class YearbookChange(Wire):
    session: UUID
    image: UUID
    picked_at: dt.datetime


class Delivery(enum.StrEnum):
    SHIP = "ship"
    PICKUP = "pickup"
    NONE = "none"  # digital products only


class PackagePick(Wire):
    """One piece of a package ordered online and the photograph the client chose for it."""

    product: UUID = Field(description="The studio's product the piece is.")
    name: str
    size: str = ""
    image: UUID = Field(description="The studio's image.")
    image_file_name: str = ""


class OrderLine(Wire):
    uuid: UUID
    product: UUID = Field(description="The studio's product.")
    name: str
    size: str = ""
    category: str = ProductCategory.OTHER
    image: UUID | None = Field(default=None, description="The studio's image.")
    image_file_name: str = ""
    quantity: int = Field(ge=1)
    unit_price: int = Field(ge=0)
    total: int = Field(ge=0)
    picks: list[PackagePick] = Field(
        default_factory=list,
        description="A package's pieces, each with its photograph (each package of the line).",
    )


class OrderPayment(Wire):
    """Money taken online by the studio's card gateway."""

    uuid: UUID
    gateway: str
    reference: str = Field(description="The gateway's id of the payment.")
    amount: int = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    paid_at: dt.datetime


class OrderChange(Wire):
    """A web order as the client placed it; the studio makes one invoice of it."""

    uuid: UUID
    number: str = Field(description="The confirmation number the client was given.")
    session: UUID
    account: UUID
    client: UUID | None = Field(
        default=None, description="The studio's client, when the account is one."
    )
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    placed_at: dt.datetime
    currency: str = Field(min_length=3, max_length=3)
    lines: list[OrderLine]
    subtotal: int = Field(ge=0)
    tax: int = Field(ge=0)
    shipping: int = Field(ge=0)
    total: int = Field(ge=0)
    delivery: Delivery = Delivery.PICKUP
    ship_to: Address | None = None
    note: str = ""
    payments: list[OrderPayment] = Field(default_factory=list)


class PrepaidPick(Wire):
    item: UUID = Field(description="The studio's invoice line.")
    image: UUID = Field(description="The studio's image.")


class PrepaidChange(Wire):
    """The client submitted (or re-submitted) their image choices for a prepaid order."""

    order: UUID = Field(description="The studio's invoice.")
    submitted_at: dt.datetime
    picks: list[PrepaidPick]


class Change(Wire):
    seq: int
    kind: str
    at: dt.datetime
    data: dict[str, object]


class ChangesPage(Wire):
    changes: list[Change]
    head: int = Field(description="The newest sequence of the studio's feed.")


class Ack(Wire):
    kind: str
    upto: int = Field(ge=0)
