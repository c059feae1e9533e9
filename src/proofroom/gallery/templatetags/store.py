"""What the gallery's templates show of the store on pages whose views are not the
store's: the cart count in the header, the order form beside a photograph, the
client's prepaid orders on their account page."""

from __future__ import annotations

from typing import Any

from django import template

from proofroom.core.money import format_money
from proofroom.gallery import access
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.prepaid import prepaid_orders_of
from proofroom.gallery.store.carts import cart_count as count_in_carts
from proofroom.gallery.store.carts import session_products

register = template.Library()


@register.filter
def money(amount: int | None, currency: str = "USD") -> str:
    """``{{ order.total|money:order.currency }}`` → $25.00"""
    return "" if amount is None else format_money(amount, currency)


@register.simple_tag(takes_context=True)
def cart_count(context: template.Context) -> int:
    visitor = context.get("visitor")
    account = getattr(visitor, "account", None)
    return count_in_carts(account=account) if account is not None else 0


def _ordering(context: template.Context, session: OnlineSession) -> dict[str, Any]:
    visitor = context.get("visitor")
    products = session_products(session=session)
    currency = products[0].price_list.currency if products else ""
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "studio": getattr(visitor, "studio", None),
        "visitor": visitor,
        "session": session,
        "products": products,
        "currency": currency,
        "may_order": visitor is not None and access.may_choose(session, visitor),
        "guests_welcome": access.guests_welcome(session),
    }


@register.inclusion_tag("gallery/_add_to_cart.html", takes_context=True)
def order_form(
    context: template.Context, session: OnlineSession, image: OnlineImage
) -> dict[str, Any]:
    """The form that puts a product of this photograph in the cart (the image page)."""
    return {**_ordering(context, session), "image": image, "in_dialog": False}


@register.inclusion_tag("gallery/_add_to_cart.html", takes_context=True)
def order_dialog(context: template.Context, session: OnlineSession) -> dict[str, Any]:
    """The same form in a dialog the grid and the lightbox open for any photograph."""
    return {**_ordering(context, session), "image": None, "in_dialog": True}


@register.inclusion_tag("gallery/_prepaid_list.html", takes_context=True)
def prepaid_list(context: template.Context) -> dict[str, Any]:
    visitor = context.get("visitor")
    account = getattr(visitor, "account", None)
    return {
        "studio": getattr(visitor, "studio", None),
        "prepaid_orders": prepaid_orders_of(account=account) if account is not None else [],
    }
