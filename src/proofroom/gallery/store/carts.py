"""Carts: what one account means to order from one online session.

A cart belongs to one account and one online session: lines of a product, an image and a
quantity, the products from the session's price list. Prices are never kept here: they are
looked up on the server every time a cart is priced (see ``store.pricing``).
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.shortcuts import get_object_or_404

from proofroom.gallery.accounts import Account
from proofroom.gallery.catalog import Product
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.tenants import Studio

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


def refuse_closed(session: OnlineSession) -> None:
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
    refuse_closed(session)
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
