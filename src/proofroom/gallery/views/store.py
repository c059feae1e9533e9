"""The store's pages: add to cart, the cart, checkout, an order's confirmation, and the
client's order history. Prices come from ``orders.cart_price`` alone.

Adding to the cart answers the gallery's script with JSON and a plain form post with
a redirect, so ordering works without JavaScript too.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from proofroom.gallery import access
from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.grid import image_of_session, session_images
from proofroom.gallery.store import carts
from proofroom.gallery.store.carts import (
    Cart,
    OrderRefused,
    cart_add,
    cart_count,
    cart_line_of,
    cart_line_set_quantity,
    cart_of,
    carts_of,
)
from proofroom.gallery.store.checkout import order_checkout_start, order_payment_check
from proofroom.gallery.store.forms import AddToCartForm, CheckoutForm, QuantityForm
from proofroom.gallery.store.history import order_of, order_view_state, orders_of
from proofroom.gallery.store.models import Order, OrderStatus
from proofroom.gallery.store.orders import order_place
from proofroom.gallery.store.packages import cart_line_package, cart_line_pick
from proofroom.gallery.store.pricing import cart_price
from proofroom.gallery.views.base import (
    answer,
    gallery_page,
    render_page,
    safe_next,
    sign_in_redirect,
    sign_in_url,
    wants_json,
)
from proofroom.gallery.visitors import Visitor
from proofroom.payments.base import GatewayError, PaymentGateway
from proofroom.sync.protocol import Delivery

SIGN_IN_TO_ORDER = "Sign in or create a guest login to order."
SIGN_IN_TO_ORDER_CLIENT_ONLY = "Sign in to order."
CLIENT_ONLY = "Prints of this gallery are ordered by its client."


def _event_url(visitor: Visitor, session: OnlineSession) -> str:
    return reverse("gallery:event", args=[visitor.studio.slug, session.uuid])


def _order_url(order: Order) -> str:
    return reverse("gallery:order", args=[order.studio.slug, order.display_number])


def _orderer(
    request: HttpRequest, visitor: Visitor, session: OnlineSession, back: str
) -> Account | HttpResponse:
    """The account that may order here, or the answer refusing this visitor."""
    if visitor.account is None:
        error = SIGN_IN_TO_ORDER if access.guests_welcome(session) else SIGN_IN_TO_ORDER_CLIENT_ONLY
        if wants_json(request):
            return JsonResponse(
                {"error": error, "sign_in": sign_in_url(visitor.studio, back)}, status=401
            )
        return answer(request, back=sign_in_url(visitor.studio, back), error=error)
    if not access.may_choose(session, visitor):
        return answer(request, back=back, error=CLIENT_ONLY, status=403)
    return visitor.account


@require_POST
@gallery_page()
def add(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """Put a product of one photograph in the cart; the price is the catalog's."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    back = safe_next(request, visitor.studio, request.POST.get("next")) or _event_url(
        visitor, session
    )
    account = _orderer(request, visitor, session, back)
    if isinstance(account, HttpResponse):
        return account
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        return answer(request, back=back, error="Choose a product and a quantity from 1 to 99.")
    image = image_of_session(session=session, image_uuid=form.cleaned_data["image"])
    try:
        line = cart_add(
            account=account,
            session=session,
            product_uuid=form.cleaned_data["product"],
            image=image,
            quantity=form.cleaned_data["quantity"],
        )
    except OrderRefused as refused:
        return answer(request, back=back, error=refused.detail)
    added = form.cleaned_data["quantity"]
    return answer(
        request,
        back=back,
        data={
            "count": cart_count(account=account),
            "cart": reverse("gallery:cart", args=[visitor.studio.slug]),
        },
        message=f"{added} × {line.product_name} of {image.file_name} added to your cart.",
    )


@require_safe
@gallery_page()
def cart(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """The account's carts, one per gallery, priced now."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    priced = []
    for found in carts_of(account=visitor.account):
        found.session.studio = visitor.studio
        priced.append((found, cart_price(found)))
    return render_page(request, visitor, "cart.html", {"carts": priced})


@require_POST
@gallery_page()
def cart_line(request: HttpRequest, visitor: Visitor, line_id: int) -> HttpResponse:
    """Change a line's quantity (0 takes it out)."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    line = cart_line_of(account=visitor.account, line_id=line_id)
    back = reverse("gallery:cart", args=[visitor.studio.slug])
    form = QuantityForm(request.POST)
    if not form.is_valid():
        return answer(request, back=back, error="Enter a quantity from 0 to 99.")
    try:
        cart_line_set_quantity(line=line, quantity=form.cleaned_data["quantity"])
    except OrderRefused as refused:
        return answer(request, back=back, error=refused.detail)
    return answer(request, back=back, message="Your cart is updated.")


@require_POST
@gallery_page()
def cart_line_remove(request: HttpRequest, visitor: Visitor, line_id: int) -> HttpResponse:
    """Take a line out of the cart."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    line = cart_line_of(account=visitor.account, line_id=line_id)
    back = reverse("gallery:cart", args=[visitor.studio.slug])
    carts.cart_line_remove(line=line)
    return answer(request, back=back, message=f"{line.product_name} removed.")


@require_http_methods(["GET", "POST"])
@gallery_page()
def cart_package(request: HttpRequest, visitor: Visitor, line_id: int) -> HttpResponse:
    """Choose the photograph of each piece of a package in the cart."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    line = cart_line_of(account=visitor.account, line_id=line_id)
    session = line.cart.session
    session.studio = visitor.studio
    # The photographs to choose from are the gallery's: only for who may view it now (an
    # expired one is refused by the service, with the reason).
    if not access.may_view(session, visitor):
        raise Http404("No such gallery.")
    back = reverse("gallery:cart", args=[visitor.studio.slug])
    try:
        package, slots = cart_line_package(line)
    except OrderRefused as refused:
        messages.error(request, refused.detail)
        return redirect(back)
    if request.method == "POST":
        picks = {
            slot.key: str(request.POST[f"slot-{slot.key}"])
            for slot in slots
            if request.POST.get(f"slot-{slot.key}")
        }
        try:
            cart_line_pick(line=line, picks=picks)
        except OrderRefused as refused:
            messages.error(request, refused.detail)
            return redirect("gallery:cart_package", visitor.studio.slug, line.pk)
        messages.success(request, f"The photographs of your {package.name} are chosen.")
        return redirect(back)
    return render_page(
        request,
        visitor,
        "package.html",
        {
            "line": line,
            "package": package,
            "slots": slots,
            "session": session,
            "images": list(session_images(session=session)),
        },
    )


def _empty(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    messages.info(request, "Your cart for this gallery is empty.")
    return redirect("gallery:cart", visitor.studio.slug)


def _checkout_page(
    request: HttpRequest,
    visitor: Visitor,
    session: OnlineSession,
    found: Cart | None,
    form: CheckoutForm | None,
) -> HttpResponse:
    assert visitor.account is not None
    if found is None:
        return _empty(request, visitor)
    chosen = form.data.get("delivery", "") if form is not None and form.is_bound else ""
    price = cart_price(found, str(chosen))
    if not price.lines:
        return _empty(request, visitor)
    if form is None:
        address = visitor.account.address or {}
        form = CheckoutForm(
            deliveries=price.deliveries,
            initial={"delivery": price.delivery.value, **address},
        )
    by_delivery = {d.value: cart_price(found, d.value) for d in price.deliveries}
    return render_page(
        request,
        visitor,
        "checkout.html",
        {
            "session": session,
            "price": price,
            "by_delivery": by_delivery,
            "form": form,
            "card": visitor.studio.payment_gateway != PaymentGateway.MANUAL,
        },
    )


def _pay(request: HttpRequest, order: Order) -> HttpResponse:
    """To the gateway's hosted page; if it cannot be reached, the order keeps waiting."""
    try:
        start = order_checkout_start(order=order, base_url=request.build_absolute_uri("/"))
    except GatewayError as error:
        messages.error(
            request,
            f"The card payment could not be started just now ({error}). Your order is kept: "
            "pay from this page when you are ready.",
        )
        return redirect(_order_url(order))
    if start is None:
        messages.success(request, "Your payment has been received: there is nothing more to pay.")
        return redirect(_order_url(order))
    return redirect(start.redirect_url)


@require_http_methods(["GET", "POST"])
@gallery_page()
def checkout(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """Review, choose delivery, and place the order."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    found = cart_of(account=visitor.account, session=session)
    if request.method == "GET":
        return _checkout_page(request, visitor, session, found, None)
    if found is None:
        return _empty(request, visitor)
    form = CheckoutForm(request.POST, deliveries=list(Delivery))
    if not form.is_valid():
        return _checkout_page(request, visitor, session, found, form)
    try:
        order = _place(found, form)
    except OrderRefused as refused:
        form.add_error(None, refused.detail)
        return _checkout_page(request, visitor, session, found, form)
    if order.status == OrderStatus.AWAITING_PAYMENT:
        return _pay(request, order)
    return redirect(_order_url(order))


def _place(found: Cart, form: CheckoutForm) -> Order:
    return order_place(
        cart=found,
        delivery=form.cleaned_data["delivery"],
        address=form.address,
        note=form.cleaned_data["note"],
    )


@require_safe
@gallery_page()
def order(request: HttpRequest, visitor: Visitor, number: str) -> HttpResponseBase:
    """An order's confirmation. Coming back from the hosted payment page, the gateway is
    asked whether it is paid (its webhook may come later)."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    found = order_of(account=visitor.account, number=number)
    if "checkout" in request.GET and found.status == OrderStatus.AWAITING_PAYMENT:
        try:
            if order_payment_check(order=found) is None:
                found.refresh_from_db(fields=["status"])
        except GatewayError as error:
            messages.error(request, f"We could not check your payment just now ({error}).")
        else:
            if found.status == OrderStatus.AWAITING_PAYMENT:
                messages.info(
                    request,
                    "Your payment is not confirmed yet. If you paid, it shows here in a moment.",
                )
        return redirect(_order_url(found))
    if "cancelled" in request.GET and found.status == OrderStatus.AWAITING_PAYMENT:
        messages.info(request, "Your payment was not completed. You can pay whenever you like.")
        return redirect(_order_url(found))
    lines = list(found.lines.select_related("image"))
    return render_page(
        request,
        visitor,
        "order.html",
        {
            "order": found,
            "lines": lines,
            "state": order_view_state(found),
            "session_open": found.session is not None and found.session.is_open,
            "payments": list(found.payments.all()),
        },
    )


@require_POST
@gallery_page()
def pay(request: HttpRequest, visitor: Visitor, number: str) -> HttpResponse:
    """Pay now: an order awaiting payment goes to the gateway: its checkout while that is
    open, a new one once it expired; an order paid meanwhile is recorded, not paid again."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    found = order_of(account=visitor.account, number=number)
    if found.status != OrderStatus.AWAITING_PAYMENT:
        messages.info(request, "This order is paid already.")
        return redirect(_order_url(found))
    return _pay(request, found)


@require_safe
@gallery_page()
def orders(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """The account's orders with what became of them."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    return render_page(
        request, visitor, "orders.html", {"rows": orders_of(account=visitor.account)}
    )
