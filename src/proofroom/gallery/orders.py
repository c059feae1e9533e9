"""The gallery's store: carts, orders, their confirmation, and payments taken online.

A cart belongs to one account and one online session: lines of a product,
an image and a quantity, the products from the session's price list. Prices are the catalog's,
looked up on the server every time a cart is shown or ordered (``cart_price``
is the one truth of both); the browser never sends a price we read.

Placing an order (``order_place``) copies the priced lines into an Order with a
confirmation number and empties the cart. With the manual gateway (no merchant
account) the order is placed unpaid at once and the studio hears of it through
the change feed. With a card gateway it awaits payment: the client pays on the
gateway's hosted page, and the gateway's word that it is paid (a signed webhook,
or the status query when the client comes back, whichever is first) records one
payment and places the order once (``order_payment_record``).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models
from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from proofroom.core.money import format_money
from proofroom.core.sealing import UnsealError, unseal
from proofroom.gallery.accounts import Account
from proofroom.gallery.catalog import Product
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.feed import acked_upto, change_emit
from proofroom.gallery.mail import MailKind, OutgoingMail, mail_queue, mail_send_on_commit
from proofroom.gallery.tenants import PaymentGateway, Studio
from proofroom.payments.base import (
    CheckoutRequest,
    CheckoutStart,
    Gateway,
    GatewayError,
    PaymentEvent,
)
from proofroom.sync import protocol
from proofroom.sync.protocol import Delivery, ProductCategory

log = logging.getLogger(__name__)

MAX_QUANTITY = 99


class OrderRefused(Exception):
    """A cart change or an order that cannot be made; the message is for the client."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


# --------------------------------------------------------------------------- the cart


class Cart(models.Model):
    """What one account means to order from one online session."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="carts")
    session = models.ForeignKey(OnlineSession, on_delete=models.CASCADE, related_name="+")
    placed_order = models.ForeignKey(
        "gallery.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The order this cart last became: a repeated checkout lands there.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account", "-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "session"], name="cart_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.account}'s cart for {self.session}"


class CartLine(models.Model):
    """A product of the session's price list, made from one image, in a quantity."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product_uuid = models.UUIDField(help_text="The studio's product, looked up when priced.")
    product_name = models.CharField(max_length=170, help_text="As it was called when added.")
    image = models.ForeignKey(OnlineImage, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    picks = models.JSONField(
        default=dict,
        blank=True,
        help_text="A package's photographs: {slot key: image uuid}; a slot not chosen is "
        "made from the line's image.",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cart", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product_uuid", "image"], name="cart_line_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="cart_line_quantity",
                violation_error_message=f"Order between 1 and {MAX_QUANTITY} of each.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name} of {self.image}"


def session_products(*, session: OnlineSession) -> list[Product]:
    """What can be ordered from this session: its price list's products, in order."""
    if session.price_list_id is None:
        return []
    return list(
        Product.objects.filter(price_list_id=session.price_list_id)
        .select_related("price_list")
        .order_by("position")
    )


def product_label(product: Product) -> str:
    return f"{product.name} {product.size}".strip()


def cart_for(*, account: Account, session: OnlineSession) -> Cart:
    cart, _ = Cart.objects.get_or_create(
        account=account, session=session, defaults={"studio_id": session.studio_id}
    )
    cart.session = session
    return cart


def cart_of(*, account: Account, session: OnlineSession) -> Cart | None:
    """The account's cart for the session, if it ever had one."""
    cart = (
        Cart.objects.select_related("studio", "session__price_list")
        .filter(account=account, session=session)
        .first()
    )
    if cart is not None:
        cart.session.studio = cart.studio
    return cart


def _refuse_closed(session: OnlineSession) -> None:
    if not session.is_open:
        raise OrderRefused(f"“{session.title}” has expired: it can no longer be ordered from.")


@atomic
def cart_add(
    *,
    account: Account,
    session: OnlineSession,
    product_uuid: uuid.UUID,
    image: OnlineImage,
    quantity: int = 1,
) -> CartLine:
    """Put ``quantity`` of a product made from ``image`` in the account's cart for the
    session; the same product of the same image adds to the line already there."""
    if account.studio_id != session.studio_id or image.session_id != session.pk:
        raise OrderRefused("That photograph is not in this gallery.")
    _refuse_closed(session)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OrderRefused(f"Order between 1 and {MAX_QUANTITY} of each.")
    product = (
        Product.objects.filter(price_list_id=session.price_list_id, uuid=product_uuid).first()
        if session.price_list_id
        else None
    )
    if product is None:
        raise OrderRefused("That product is not offered for this gallery.")
    cart = cart_for(account=account, session=session)
    locked = Cart.objects.select_for_update().get(pk=cart.pk)
    line = CartLine.objects.filter(cart=locked, product_uuid=product.uuid, image=image).first()
    if line is None:
        line = CartLine(cart=locked, product_uuid=product.uuid, image=image, quantity=0)
    line.product_name = product_label(product)
    line.quantity = min(MAX_QUANTITY, line.quantity + quantity)
    line.save()
    locked.placed_order = None  # a new order is being made
    locked.save(update_fields=["placed_order", "updated_at"])
    return line


def cart_line_of(*, account: Account, line_id: int) -> CartLine:
    """One line of the account's carts; Http404 for anyone else's."""
    return get_object_or_404(
        CartLine.objects.select_related("cart__session", "image"),
        pk=line_id,
        cart__account=account,
        cart__studio_id=account.studio_id,
    )


@atomic
def cart_line_set_quantity(*, line: CartLine, quantity: int) -> CartLine | None:
    """A new quantity for a line; 0 removes it (None is returned then)."""
    if quantity == 0:
        line.delete()
        return None
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OrderRefused(f"Order between 1 and {MAX_QUANTITY} of each.")
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@atomic
def cart_line_remove(*, line: CartLine) -> None:
    line.delete()


# --------------------------------------------------------------------------- packages


@dataclass(frozen=True)
class PackageSlot:
    """One piece of a package (the second of two 8x10 prints, say) and its photograph."""

    key: str  # "<product uuid>:<n>", stable while the package's contents are
    product_uuid: uuid.UUID
    name: str
    size: str
    image: OnlineImage
    number: int = 1  # the second …
    of: int = 1  # … of two

    @property
    def label(self) -> str:
        label = f"{self.name} {self.size}".strip()
        return f"{label} ({self.number} of {self.of})" if self.of > 1 else label


def package_contents(package: Product) -> list[tuple[Product, int]]:
    """The products a package is made of, with how many of each, as the price list says."""
    wanted = [
        (str(item.get("product", "")), int(item.get("quantity", 1))) for item in package.items
    ]
    known = {
        str(p.uuid): p
        for p in Product.objects.filter(
            price_list_id=package.price_list_id, uuid__in=[u for u, _ in wanted if u]
        )
    }
    return [(known[u], n) for u, n in wanted if u in known and n > 0]


def _slot_images(session_id: int, picks: Mapping[str, str]) -> dict[str, OnlineImage]:
    chosen = set(picks.values())
    if not chosen:
        return {}
    valid = []
    for value in chosen:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    return {
        str(image.uuid): image
        for image in OnlineImage.objects.filter(session_id=session_id, uuid__in=valid)
    }


def package_slots(line: CartLine, package: Product) -> list[PackageSlot]:
    """Every piece of the line's package with the photograph it is made from: the client's
    pick, or the line's own photograph."""
    images = _slot_images(line.cart.session_id, line.picks)
    return [
        PackageSlot(
            key=f"{product.uuid}:{n}",
            product_uuid=product.uuid,
            name=product.name,
            size=product.size,
            image=images.get(line.picks.get(f"{product.uuid}:{n}", ""), line.image),
            number=n,
            of=count,
        )
        for product, count in package_contents(package)
        for n in range(1, count + 1)
    ]


def cart_line_package(line: CartLine) -> tuple[Product, list[PackageSlot]]:
    """The line's package and its pieces; OrderRefused when the line is not a package
    still offered."""
    package = Product.objects.filter(
        price_list_id=line.cart.session.price_list_id,
        uuid=line.product_uuid,
        category=ProductCategory.PACKAGE,
    ).first()
    if package is None:
        raise OrderRefused("That is not a package of this gallery's price list.")
    return package, package_slots(line, package)


@atomic
def cart_line_pick(*, line: CartLine, picks: Mapping[str, str]) -> None:
    """Choose the photograph of each piece of a package (``{slot key: image uuid}``; a slot
    left out keeps its photograph). Refused, changing nothing, for a photograph that is
    not in the line's gallery or a piece the package does not have."""
    _refuse_closed(line.cart.session)
    _, slots = cart_line_package(line)
    keys = {slot.key for slot in slots}
    unknown = set(picks) - keys
    if unknown:
        raise OrderRefused("The package has changed: choose its photographs again.")
    images = _slot_images(line.cart.session_id, picks)
    if any(value not in images for value in picks.values()):
        raise OrderRefused("That photograph is not in this gallery.")
    line.picks = {key: value for key, value in {**line.picks, **picks}.items() if key in keys}
    line.save(update_fields=["picks"])


def cart_count(*, account: Account) -> int:
    """How many items the account has in its carts (for the header)."""
    total = CartLine.objects.filter(
        cart__account=account, cart__session__taken_down_at=None
    ).aggregate(n=Sum("quantity"))["n"]
    return int(total or 0)


def carts_of(*, account: Account) -> list[Cart]:
    """The account's carts that hold something, most recently changed first."""
    return list(
        Cart.objects.filter(account=account, lines__isnull=False)
        .select_related("session__price_list", "studio")
        .distinct()
        .order_by("-updated_at", "-pk")
    )


# --------------------------------------------------------------------------- pricing


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    product: Product | None
    unit_price: int
    total: int
    problem: str = ""

    @property
    def label(self) -> str:
        return product_label(self.product) if self.product else self.line.product_name

    @property
    def category(self) -> str:
        return self.product.category if self.product else ProductCategory.OTHER


@dataclass(frozen=True)
class CartPrice:
    """A cart priced from the catalog and the studio's terms, in minor units."""

    currency: str
    lines: list[PricedLine]
    subtotal: int
    tax: int
    tax_label: str
    tax_rate: int
    delivery: Delivery
    deliveries: list[Delivery]
    shipping: int
    shipping_fee: int
    total: int

    @property
    def count(self) -> int:
        return sum(p.line.quantity for p in self.lines)

    @property
    def problems(self) -> list[str]:
        return [p.problem for p in self.lines if p.problem]

    @property
    def tax_percent(self) -> str:
        return f"{self.tax_rate / 100:g} %"


def tax_on(subtotal: int, rate: int) -> int:
    """``rate`` basis points of ``subtotal``, rounded half up."""
    return (subtotal * rate + 5_000) // 10_000


def deliveries_offered(studio: Studio) -> list[Delivery]:
    offered = [Delivery.SHIP] if studio.offer_shipping else []
    if studio.offer_pickup or not offered:
        offered.append(Delivery.PICKUP)
    return offered


def cart_currency(cart: Cart) -> str:
    price_list = cart.session.price_list
    return price_list.currency if price_list is not None else cart.studio.currency


def cart_price(cart: Cart, delivery: str = "") -> CartPrice:
    """The cart as it would be ordered now with ``delivery`` (the first one offered when
    that one is not): each line at its product's catalog price, tax on the goods,
    shipping when shipped. A cart of digital products only is not delivered."""
    studio, session = cart.studio, cart.session
    lines = list(cart.lines.select_related("image").order_by("added_at", "pk"))
    products: dict[uuid.UUID, Product] = {}
    if session.price_list_id is not None and lines:
        products = {
            p.uuid: p
            for p in Product.objects.filter(
                price_list_id=session.price_list_id, uuid__in=[line.product_uuid for line in lines]
            )
        }
    priced = []
    for line in lines:
        product = products.get(line.product_uuid)
        if product is None:
            problem = f"{line.product_name} is no longer offered: remove it to order the rest."
            priced.append(
                PricedLine(line=line, product=None, unit_price=0, total=0, problem=problem)
            )
            continue
        total = product.price * line.quantity
        priced.append(PricedLine(line=line, product=product, unit_price=product.price, total=total))
    physical = any(p.product and p.product.category != ProductCategory.DIGITAL for p in priced)
    offered = deliveries_offered(studio) if physical else [Delivery.NONE]
    chosen = next((d for d in offered if d.value == delivery), offered[0])
    subtotal = sum(p.total for p in priced)
    tax = tax_on(subtotal, studio.tax_rate)
    shipping = studio.shipping_fee if chosen == Delivery.SHIP else 0
    return CartPrice(
        currency=cart_currency(cart),
        lines=priced,
        subtotal=subtotal,
        tax=tax,
        tax_label=studio.tax_label,
        tax_rate=studio.tax_rate,
        delivery=chosen,
        deliveries=offered,
        shipping=shipping,
        shipping_fee=studio.shipping_fee,
        total=subtotal + tax + shipping,
    )


# --------------------------------------------------------------------------- orders


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PLACED = "placed", "Placed"


class Order(models.Model):
    """An order as the client placed it: the priced lines, copied, and how it is delivered."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="orders")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(
        max_length=protocol.CONFIRMATION_LENGTH,
        help_text="As the client is told it, with its dash: K7MQ-2XDA.",
    )
    account = models.ForeignKey(
        Account, null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    account_uuid = models.UUIDField()
    client_uuid = models.UUIDField(null=True, blank=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    session = models.ForeignKey(
        OnlineSession, null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    session_uuid = models.UUIDField()
    session_title = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    subtotal = models.PositiveIntegerField()
    tax = models.PositiveIntegerField()
    tax_label = models.CharField(max_length=40, default="Tax")
    tax_rate = models.PositiveIntegerField(default=0)
    shipping = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    delivery = models.CharField(max_length=8, choices=[(d.value, d.name.title()) for d in Delivery])
    ship_to = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    gateway = models.CharField(max_length=20, default=PaymentGateway.MANUAL)
    checkout_id = models.CharField(max_length=255, blank=True)
    # Checkouts replaced after they expired unpaid; part of the gateway's idempotency key.
    checkout_attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    change_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The sequence number of the feed entry that told the studio.",
    )

    class Meta:
        ordering = ["studio", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "number"],
                name="order_number_once",
                violation_error_message="This confirmation number is taken.",
            )
        ]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"Order {self.display_number}"

    @property
    def display_number(self) -> str:
        return protocol.confirmation_display(self.number)

    @property
    def customer_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)
    product_uuid = models.UUIDField()
    name = models.CharField(max_length=120)
    size = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=10)
    image = models.ForeignKey(OnlineImage, null=True, on_delete=models.SET_NULL, related_name="+")
    image_uuid = models.UUIDField()
    image_file_name = models.CharField(max_length=255)
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    picks = models.JSONField(
        default=list,
        blank=True,
        help_text="A package's pieces: [{product, name, size, image, image_file_name}]",
    )

    class Meta:
        ordering = ["order", "position"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.label} of {self.image_file_name}"

    @property
    def label(self) -> str:
        return f"{self.name} {self.size}".strip()


class OrderPayment(models.Model):
    """Money the studio's card gateway took for an order; recorded once per payment."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    gateway = models.CharField(max_length=20)
    reference = models.CharField(max_length=255, help_text="The gateway's id of the payment.")
    checkout_id = models.CharField(max_length=255, blank=True)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField()

    class Meta:
        ordering = ["order", "paid_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "gateway", "reference"], name="order_payment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{format_money(self.amount, self.currency)} for {self.order}"


class WebhookEvent(models.Model):
    """A gateway event already acted on: the same event again is a no-op."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="+")
    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["studio", "-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "event_id"], name="webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_id}"


def _new_number() -> str:
    alphabet, symbols = protocol.CONFIRMATION_ALPHABET, protocol.CONFIRMATION_SYMBOLS
    return "".join(secrets.choice(alphabet) for _ in range(symbols))


def _save_with_number(order: Order, attempts: int = 10) -> None:
    """Save a new order under a fresh confirmation number, another one on a collision."""
    for attempt in range(attempts):
        order.number = protocol.confirmation_normalize(_new_number())
        try:
            with atomic():
                order.save()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            log.info("confirmation number %s taken; drawing another", order.number)
        else:
            return


def _address(address: Mapping[str, str] | None) -> dict[str, str]:
    fields = protocol.Address.model_fields
    return {name: str((address or {}).get(name, "")).strip() for name in fields}


def order_change(order: Order) -> protocol.OrderChange:
    """The order as the studio downloads it."""
    assert order.placed_at is not None
    ship_to = protocol.Address(**order.ship_to) if order.delivery == Delivery.SHIP else None
    return protocol.OrderChange(
        uuid=order.uuid,
        number=order.display_number,
        session=order.session_uuid,
        account=order.account_uuid,
        client=order.client_uuid,
        first_name=order.first_name,
        last_name=order.last_name,
        email=order.email,
        phone=order.phone,
        placed_at=order.placed_at,
        currency=order.currency,
        lines=[
            protocol.OrderLine(
                uuid=line.uuid,
                product=line.product_uuid,
                name=line.name,
                size=line.size,
                category=line.category,
                image=line.image_uuid,
                image_file_name=line.image_file_name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                total=line.total,
                picks=[protocol.PackagePick.model_validate(pick) for pick in line.picks],
            )
            for line in order.lines.all()
        ],
        subtotal=order.subtotal,
        tax=order.tax,
        shipping=order.shipping,
        total=order.total,
        delivery=Delivery(order.delivery),
        ship_to=ship_to,
        note=order.note,
        payments=[
            protocol.OrderPayment(
                uuid=payment.uuid,
                gateway=payment.gateway,
                reference=payment.reference,
                amount=payment.amount,
                currency=payment.currency,
                paid_at=payment.paid_at,
            )
            for payment in order.payments.order_by("paid_at", "pk")
        ],
    )


def _tell_studio(order: Order) -> None:
    """Write the ORDER change (inside the transaction that placed or paid the order)."""
    change = change_emit(
        studio_id=order.studio_id,
        kind=protocol.ChangeKind.ORDER,
        payload=order_change(order).model_dump(mode="json"),
    )
    order.change_id = change.seq
    order.save(update_fields=["change_id"])


def _placed(order: Order) -> None:
    order.status, order.placed_at = OrderStatus.PLACED, timezone.now()
    order.save(update_fields=["status", "placed_at"])
    _tell_studio(order)
    order_mails_queue(order)


def _check_delivery(price: CartPrice, delivery: str, address: dict[str, str]) -> None:
    if price.delivery == Delivery.NONE:
        return
    if delivery not in price.deliveries:
        offered = " or ".join(
            "shipping" if d == Delivery.SHIP else "pick-up" for d in price.deliveries
        )
        raise OrderRefused(f"Choose how to receive your order: {offered}.")
    if delivery == Delivery.SHIP:
        wanted = ["street", "city", "postal_code", "country"]
        if any(not address[name] for name in wanted):
            raise OrderRefused(
                "Enter the address to ship to: street, city, postal code and country."
            )


def _order_picks(priced: PricedLine) -> list[dict[str, str]]:
    """A package line's pieces as the order keeps them (nothing for other products)."""
    if priced.product is None or priced.product.category != ProductCategory.PACKAGE:
        return []
    return [
        {
            "product": str(slot.product_uuid),
            "name": slot.name,
            "size": slot.size,
            "image": str(slot.image.uuid),
            "image_file_name": slot.image.file_name,
        }
        for slot in package_slots(priced.line, priced.product)
    ]


@atomic
def order_place(
    *, cart: Cart, delivery: str, address: Mapping[str, str] | None = None, note: str = ""
) -> Order:
    """Order what the cart holds, priced again from the catalog, and empty the cart.

    A cart that just became an order gives that order back (a second click, another
    tab). Refused, with the reason, for an empty cart, an expired gallery, or a product
    no longer offered. With the manual gateway the order is placed at once and the
    studio told; with a card gateway it awaits payment (see ``order_checkout_start``).
    """
    # Lock the bare row first, then read it with its relations. A join taken with the lock
    # (SELECT … FOR UPDATE OF cart) shows, to a tab that waited for it, the cart as the
    # tab holding the lock left it but its order as it was before: none, and "empty".
    Cart.objects.select_for_update().filter(pk=cart.pk).values_list("pk").get()
    cart = Cart.objects.select_related(
        "studio", "account", "session__price_list", "placed_order"
    ).get(pk=cart.pk)
    session, account, studio = cart.session, cart.account, cart.studio
    session.studio = studio
    price = cart_price(cart, delivery)
    if not price.lines:
        if cart.placed_order is not None:
            return cart.placed_order
        raise OrderRefused("Your cart is empty.")
    _refuse_closed(session)
    if price.problems:
        raise OrderRefused(" ".join(price.problems))
    ship_to = _address(address)
    _check_delivery(price, delivery, ship_to)
    card = studio.payment_gateway != PaymentGateway.MANUAL
    order = Order(
        studio=studio,
        account=account,
        account_uuid=account.uuid,
        client_uuid=account.client_uuid,
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
        phone=account.phone,
        session=session,
        session_uuid=session.uuid,
        session_title=session.title,
        currency=price.currency,
        subtotal=price.subtotal,
        tax=price.tax,
        tax_label=price.tax_label,
        tax_rate=price.tax_rate,
        shipping=price.shipping,
        total=price.total,
        delivery=price.delivery.value,
        ship_to=ship_to if price.delivery == Delivery.SHIP else {},
        note=note.strip()[:2000],
        status=OrderStatus.AWAITING_PAYMENT if card else OrderStatus.PLACED,
        gateway=studio.payment_gateway,
    )
    _save_with_number(order)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=position,
            product_uuid=p.line.product_uuid,
            name=p.product.name,
            size=p.product.size,
            category=p.product.category,
            image=p.line.image,
            image_uuid=p.line.image.uuid,
            image_file_name=p.line.image.file_name,
            quantity=p.line.quantity,
            unit_price=p.unit_price,
            total=p.total,
            picks=_order_picks(p),
        )
        for position, p in enumerate(price.lines)
        if p.product is not None
    )
    cart.lines.all().delete()
    cart.placed_order = order
    cart.save(update_fields=["placed_order", "updated_at"])
    if not card:
        _placed(order)
    return order


# --------------------------------------------------------------------------- card payments


def studio_gateway(studio: Studio) -> Gateway:
    """The studio's gateway with its (unsealed) credentials. Raises GatewayError, without
    the details (they are logged), when its stored secrets cannot be opened."""
    from proofroom.payments import gateway_for

    try:
        secret_key = unseal(studio.stripe_secret_key)
        webhook_secret = unseal(studio.stripe_webhook_secret)
    except UnsealError as error:
        log.error("%s: card payments are off: %s", studio.slug, error)
        raise GatewayError("card payments are not set up correctly on this site") from error
    return gateway_for(studio.payment_gateway, secret_key=secret_key, webhook_secret=webhook_secret)


def order_checkout_start(*, order: Order, base_url: str) -> CheckoutStart | None:
    """Send the client to pay on the gateway's hosted page: the order's checkout while it is
    open, else a new one. The idempotency key is the order's (and its attempt's), so however
    often this runs (a double click, two tabs, "Pay now" again) the gateway makes one
    checkout per attempt. A checkout that expired unpaid (Stripe's last 24 hours) is
    replaced by the next attempt; one already paid (its webhook late) is recorded and
    None returned: nothing more to pay. Raises GatewayError when the gateway cannot be
    reached, or when the last payment is still being processed."""
    studio = order.studio
    gateway = studio_gateway(studio)
    if order.checkout_id:
        current = gateway.checkout_status(order.checkout_id)
        if current.reference != str(order.uuid):
            log.error("checkout %s is not order %s's", order.checkout_id, order.display_number)
            raise GatewayError("the payment provider's answer does not match this order")
        if current.paid:
            with contextlib.suppress(PaymentMismatch):
                order_payment_record(studio=studio, event=current)
            return None
        if current.open_url:
            return CheckoutStart(checkout_id=order.checkout_id, redirect_url=current.open_url)
        if not current.expired:
            raise GatewayError(
                "your payment is still being processed; this page shows it once it is confirmed"
            )
        # Expired unpaid: the next attempt. Only one tab moves the attempt on (the update
        # is conditional on the old checkout); the others read it and share its key.
        Order.objects.filter(pk=order.pk, checkout_id=order.checkout_id).update(
            checkout_attempt=F("checkout_attempt") + 1, checkout_id=""
        )
        order.refresh_from_db(fields=["checkout_attempt", "checkout_id"])
    page = base_url.rstrip("/") + reverse("gallery:order", args=[studio.slug, order.display_number])
    key = f"order-{order.uuid}" + (f"-{order.checkout_attempt}" if order.checkout_attempt else "")
    start = gateway.start_checkout(
        CheckoutRequest(
            reference=str(order.uuid),
            idempotency_key=key,
            amount=order.total,
            currency=order.currency,
            description=f"Order {order.display_number} at {studio.name}",
            customer_email=order.email,
            success_url=f"{page}?checkout={{CHECKOUT_SESSION_ID}}",
            cancel_url=f"{page}?cancelled=1",
        )
    )
    if order.checkout_id != start.checkout_id:
        Order.objects.filter(pk=order.pk).update(checkout_id=start.checkout_id)
        order.checkout_id = start.checkout_id
    return start


class PaymentMismatch(Exception):
    """The gateway reports a payment that is not this order's amount or currency."""


@atomic
def order_payment_record(*, studio: Studio, event: PaymentEvent) -> OrderPayment | None:
    """Believe a verified gateway event: record its payment once and, on the first one,
    place the order and tell the studio (with the payment). Idempotent: an event seen
    before, or a payment recorded before, changes nothing and returns None. An unknown
    order is logged and ignored; a payment of the wrong amount or currency is logged and
    refused (PaymentMismatch), the order left awaiting payment."""
    if not event.paid:
        return None
    try:
        order_uuid = uuid.UUID(event.reference)
    except ValueError:
        order_uuid = None
    order = (
        Order.objects.select_for_update().filter(studio=studio, uuid=order_uuid).first()
        if order_uuid
        else None
    )
    if order is None:
        log.warning(
            "%s payment %s for an unknown order %r of %s ignored",
            studio.payment_gateway,
            event.payment_id,
            event.reference,
            studio.slug,
        )
        return None
    try:
        with atomic():
            WebhookEvent.objects.create(
                studio=studio, gateway=order.gateway, event_id=event.event_id
            )
    except IntegrityError:
        return None  # a replayed event
    if event.amount != order.total or event.currency.upper() != order.currency.upper():
        log.error(
            "order %s: the gateway reports %s %s paid, the order is %s %s; not placed",
            order.display_number,
            event.amount,
            event.currency,
            order.total,
            order.currency,
        )
        raise PaymentMismatch(f"Order {order.display_number}: the amount paid differs.")
    reference = event.payment_id or event.checkout_id
    payment, created = OrderPayment.objects.get_or_create(
        studio=studio,
        gateway=order.gateway,
        reference=reference,
        defaults={
            "order": order,
            "checkout_id": event.checkout_id,
            "amount": event.amount,
            "currency": event.currency.upper(),
            "paid_at": timezone.now(),
        },
    )
    if not created:
        return None
    order.studio = studio
    if order.status == OrderStatus.AWAITING_PAYMENT:
        _placed(order)
    else:
        # Paid again (a second checkout after the first): the studio must hear of it.
        log.warning("order %s paid once more (%s)", order.display_number, reference)
        _tell_studio(order)
    return payment


def order_payment_check(*, order: Order) -> OrderPayment | None:
    """The client came back from the hosted page: ask the gateway, in case its webhook is
    late, and record the payment the same idempotent way."""
    if order.status != OrderStatus.AWAITING_PAYMENT or not order.checkout_id:
        return None
    event = studio_gateway(order.studio).checkout_status(order.checkout_id)
    if event.reference != str(order.uuid):
        log.error("checkout %s is not order %s's", order.checkout_id, order.display_number)
        return None
    try:
        return order_payment_record(studio=order.studio, event=event)
    except PaymentMismatch:
        return None


# --------------------------------------------------------------------------- what clients see


class OrderState(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PLACED = "placed", "Placed"
    PAID = "paid", "Paid"
    RECEIVED = "received", "Received by the studio"


def _with_paid(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.annotate(
        is_paid=Exists(OrderPayment.objects.filter(order=OuterRef("pk"))),
        item_count=Sum("lines__quantity"),
    )


def order_state(order: Order, acked: int) -> OrderState:
    """What the client reads of an order (``order.is_paid`` annotated by the selectors)."""
    if order.status == OrderStatus.AWAITING_PAYMENT:
        return OrderState.AWAITING_PAYMENT
    if order.change_id is not None and order.change_id <= acked:
        return OrderState.RECEIVED
    return OrderState.PAID if getattr(order, "is_paid", False) else OrderState.PLACED


@dataclass(frozen=True)
class OrderRow:
    order: Order
    state: OrderState


def orders_of(*, account: Account) -> list[OrderRow]:
    """The account's orders, newest first, each with what the client reads of it."""
    acked = acked_upto(studio_id=account.studio_id, kind=protocol.ChangeKind.ORDER)
    found = _with_paid(Order.objects.filter(studio_id=account.studio_id, account=account)).order_by(
        "-created_at", "-pk"
    )
    return [OrderRow(order=order, state=order_state(order, acked)) for order in found]


def order_of(*, account: Account, number: str) -> Order:
    """One of the account's orders by its confirmation number; Http404 for any other."""
    order = get_object_or_404(
        _with_paid(Order.objects.select_related("studio", "session")),
        studio_id=account.studio_id,
        account=account,
        number=protocol.confirmation_normalize(number),
    )
    return order


def order_view_state(order: Order) -> OrderState:
    return order_state(order, acked_upto(studio_id=order.studio_id, kind=protocol.ChangeKind.ORDER))


# --------------------------------------------------------------------------- the confirmation


def order_email_context(order: Order) -> dict[str, Any]:
    page = reverse("gallery:order", args=[order.studio.slug, order.display_number])
    return {
        "order": order,
        "studio": order.studio,
        "lines": list(order.lines.all()),
        "url": f"{settings.PUBLIC_URL}{page}",
        "paid": order.payments.exists(),
    }


def order_mails_queue(order: Order) -> None:
    """In the transaction that placed the order: the client's confirmation (when the account
    has an email) and the studio's notice of a new web order (when the studio has one).
    Both go out once it commits, and are retried while the mail server is down."""
    studio = order.studio
    context = order_email_context(order)
    mails: list[OutgoingMail] = []
    if order.email:
        confirmation = mail_queue(
            studio=studio,
            kind=MailKind.ORDER_CONFIRMATION,
            reference=order.display_number,
            to=[order.email],
            reply_to=[studio.email] if studio.email else None,
            subject=f"Your order {order.display_number} at {studio.name}",
            text=render_to_string("gallery/email/order.txt", context),
            html=render_to_string("gallery/email/order.html", context),
        )
        mails.append(confirmation)
    if studio.email:
        who = f"{order.first_name} {order.last_name}".strip() or order.email or "a client"
        notice = mail_queue(
            studio=studio,
            kind=MailKind.ORDER_NOTICE,
            reference=order.display_number,
            to=[studio.email],
            reply_to=[order.email] if order.email else None,
            subject=(
                f"New web order {order.display_number} from {who}: "
                f"{format_money(order.total, order.currency)}"
                + (" paid" if context["paid"] else "")
            ),
            text=render_to_string("gallery/email/order_notice.txt", context | {"who": who}),
        )
        mails.append(notice)
    mail_send_on_commit(mails)
