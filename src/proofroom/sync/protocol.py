"""Sync protocol v1: the wire schemas shared by the studio and the gallery.

Additive changes only. Every model keeps fields it does not know
(``extra="allow"``), so an older gallery accepts a newer studio's upload and
a newer field is never an error. Money is integer minor units plus an ISO 4217
currency; dates are ISO dates in the studio's time zone.

The limits below are the gallery's storage limits (its columns' lengths, 32-bit
counts and money, text without NUL), so whatever a schema accepts can be stored, and
the OpenAPI document tells a caller (or a fuzzer) what that is.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

VERSION = 1
PREFIX = "/api/sync/v1"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
INT32_MAX = 2_147_483_647  # counts and money are 32-bit integer columns on the gallery
INT64_MAX = 2**63 - 1  # sequence numbers of the change feed

# An order's confirmation number: 8 symbols of Crockford's base 32 (no I, L, O, U), stored,
# sent and shown one way on both sides, with a dash after the fourth: K7MQ-2XDA.
CONFIRMATION_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CONFIRMATION_SYMBOLS = 8
CONFIRMATION_LENGTH = CONFIRMATION_SYMBOLS + 1  # with its dash
_CROCKFORD_READS = str.maketrans("OIL", "011")


def confirmation_normalize(text: str) -> str:
    """A confirmation number as typed, in its one stored form: k7mq-2xda, K7MQ2XDA,
    K7MQ 2XDA → K7MQ-2XDA, reading O as 0 and I or L as 1 as Crockford's alphabet does.
    Text that is not 8 symbols comes back cleaned but without a dash, so it finds nothing."""
    plain = "".join(text.split()).replace("-", "").upper().translate(_CROCKFORD_READS)
    if len(plain) != CONFIRMATION_SYMBOLS:
        return plain
    return f"{plain[:4]}-{plain[4:]}"


def confirmation_display(number: str) -> str:
    """How a confirmation number is shown to a person: as it is stored, K7MQ-2XDA."""
    return confirmation_normalize(number)


def _storable(value: object) -> None:
    """PostgreSQL stores no NUL character and UTF-8 no lone surrogate: refuse them here."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("Text may not contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("Text must be valid Unicode.") from None
    elif isinstance(value, list | tuple):
        for item in value:
            _storable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value: object) -> object:
        _storable(value)
        return value


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("Enter a valid email address, or none.") from None
    return value


def _web_address(value: str) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise ValueError("Enter a web address starting with http:// or https://.") from None
    return value


def _time_zone(value: str) -> str:
    if value not in zoneinfo.available_timezones():
        raise ValueError(f"{value[:64]!r} is not a time zone name such as Europe/London.")
    return value


Email = Annotated[
    str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)
]
WebAddress = Annotated[
    str, Field(max_length=200, json_schema_extra={"format": "uri"}), AfterValidator(_web_address)
]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_time_zone)]
Currency = Annotated[
    str, Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$", description="ISO 4217")
]
Phone = Annotated[str, Field(max_length=40)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Money = Annotated[int, Field(ge=0, le=INT32_MAX, description="Minor units.")]


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
    shipping_fee: int = Field(
        default=0, ge=0, le=INT32_MAX, description="Minor units per order that is shipped."
    )
    offer_shipping: bool = True
    offer_pickup: bool = True


class StudioProfile(Wire):
    """The studio's public face on its gallery site."""

    name: str = Field(min_length=1, max_length=120, pattern=r"\S")
    email: Email = ""
    phone: Phone = ""
    website: WebAddress = ""
    currency: Currency
    time_zone: TimeZone = "UTC"
    ordering: OrderingTerms = Field(default_factory=OrderingTerms)


class Address(Wire):
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(default="", max_length=100)


class Client(Wire):
    uuid: UUID
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: Email = ""
    phone: Phone = ""
    address: Address = Field(default_factory=Address)
    login_reset: int = Field(
        0,
        ge=0,
        le=INT32_MAX,
        description="Grows by one each time the studio presses Reset Login; when it grows, "
        "the gallery puts the user name back to the email and the password to the last name.",
    )


class PackageItem(Wire):
    product: UUID
    quantity: int = Field(ge=1, le=INT32_MAX)


class Product(Wire):
    uuid: UUID
    name: str = Field(max_length=120)
    category: ProductCategory
    size: str = Field(default="", max_length=40)
    price: int = Field(ge=0, le=INT32_MAX, description="Minor units of the price list's currency.")
    items: list[PackageItem] = Field(default_factory=list)


class PriceList(Wire):
    uuid: UUID
    name: str = Field(max_length=100)
    currency: Currency
    products: list[Product] = Field(default_factory=list)


class Group(Wire):
    uuid: UUID
    name: str = Field(max_length=80)
    images: list[UUID] = Field(default_factory=list)


class Image(Wire):
    uuid: UUID
    file_name: str = Field(max_length=255)
    position: Count
    preview: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the preview JPEG")
    preview_width: int = Field(gt=0, le=INT32_MAX)
    preview_height: int = Field(gt=0, le=INT32_MAX)
    thumbnail: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the thumbnail JPEG")


class Yearbook(Wire):
    """The client picks one yearbook pose among ``images`` until ``deadline`` (inclusive)."""

    deadline: dt.date
    images: list[UUID] = Field(default_factory=list)


class Session(Wire):
    """An online session: everything the gallery shows of it, in one idempotent PUT."""

    uuid: UUID
    number: int = Field(ge=1, le=INT32_MAX)
    client: UUID
    date: dt.date
    title: str = Field(max_length=200)
    expire_date: dt.date
    price_list: UUID | None = None
    event_type: EventType = EventType.NONE
    event_code: str = Field(default="", max_length=40)
    event_description: str = Field(default="", max_length=500)
    groups: list[Group] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    yearbook: Yearbook | None = None


class PrepaidItem(Wire):
    """One line of a prepaid invoice; the client chooses the image it is made from."""

    uuid: UUID = Field(description="The studio's invoice line.")
    name: str = Field(max_length=200)
    size: str = Field(default="", max_length=40)
    quantity: int = Field(ge=1, le=INT32_MAX)
    image: UUID | None = Field(
        default=None, description="An image the studio already chose, if any."
    )


class PrepaidOrder(Wire):
    """An invoice the client paid at the studio; they pick the images online."""

    uuid: UUID = Field(description="The studio's invoice.")
    number: int = Field(ge=1, le=INT32_MAX, description="The studio's invoice number.")
    client: UUID
    session: UUID
    currency: Currency
    total: Money
    paid: Money
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
    # A client's login set its own password (activated); an older desk never asks for it.
    ACCOUNT = "account"


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


class AccountActivatedChange(Wire):
    """A client's gallery login left the default password (the last name) for its own."""

    account: UUID
    client: UUID = Field(description="The studio's client.")
    login_reset: int = Field(
        ge=0, description="The studio's Reset Login count the login was made from."
    )
    activated_at: dt.datetime


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
    picks: list[PrepaidPick] = Field(
        description="One per item, then one per further copy the client chose another "
        "photograph for (an item of quantity 2 may be named twice); a copy not named is "
        "made from the item's first pick."
    )


class Change(Wire):
    seq: int
    kind: str
    at: dt.datetime
    data: dict[str, object]


class ChangesPage(Wire):
    changes: list[Change]
    head: int = Field(description="The newest sequence of the studio's feed.")


class Ack(Wire):
    kind: str = Field(max_length=20, description="A ChangeKind.")
    upto: int = Field(ge=0, le=INT64_MAX)
