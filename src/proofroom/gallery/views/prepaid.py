"""A prepaid order's page: the client picks an image of the session for each item, keeps
the picks, and submits them to the studio (again, as often as they like, until the
session expires)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from proofroom.gallery import access, visitors
from proofroom.gallery.grid import session_images
from proofroom.gallery.prepaid import (
    CopyPicks,
    PrepaidItem,
    PrepaidOrder,
    PrepaidRefused,
    prepaid_of,
    prepaid_pick,
    prepaid_view,
)
from proofroom.gallery.prepaid import prepaid_submit as prepaid_submit_picks
from proofroom.gallery.views.base import gallery_page, render_page, sign_in_redirect
from proofroom.gallery.visitors import Visitor


def _picks(request: HttpRequest, items: list[PrepaidItem]) -> dict[uuid.UUID, uuid.UUID | None]:
    """The image chosen for each item in the form (an item left alone keeps its pick)."""
    picks: dict[uuid.UUID, uuid.UUID | None] = {}
    for item in items:
        value = request.POST.get(f"item-{item.uuid}", "")
        if not value:
            continue
        try:
            picks[item.uuid] = uuid.UUID(value)
        except ValueError:
            continue
    return picks


def _copies(request: HttpRequest, items: list[PrepaidItem]) -> CopyPicks:
    """The photograph chosen for each further copy ("same": the first copy's)."""
    copies: CopyPicks = {}
    for item in items:
        for number in item.copy_numbers:
            value = request.POST.get(f"copy-{item.uuid}-{number}", "")
            if value == "same":
                copies[(item.uuid, number)] = None
                continue
            try:
                copies[(item.uuid, number)] = uuid.UUID(value)
            except ValueError:
                continue
    return copies


def _order_shown(request: HttpRequest, visitor: Visitor, order_uuid: uuid.UUID) -> PrepaidOrder:
    """The account's prepaid order; the studio offering it on a session is an invitation to
    view that session."""
    assert visitor.account is not None
    order = prepaid_of(account=visitor.account, order_uuid=order_uuid)
    if not access.may_view(order.session, visitor):
        visitors.visitor_grant(request, visitor.studio, order.session, visitors.INVITE_GRANT)
    return order


@require_safe
@gallery_page()
def prepaid(request: HttpRequest, visitor: Visitor, order_uuid: uuid.UUID) -> HttpResponse:
    """The order's items, each with the photograph chosen for it, to choose again."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    order = _order_shown(request, visitor, order_uuid)
    session = order.session
    return render_page(
        request,
        visitor,
        "prepaid.html",
        {
            "view": prepaid_view(order=order),
            "session": session,
            "images": list(session_images(session=session)),
        },
    )


@require_POST
@gallery_page()
def prepaid_save(request: HttpRequest, visitor: Visitor, order_uuid: uuid.UUID) -> HttpResponse:
    """Keep the picks, to submit later."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    order = _order_shown(request, visitor, order_uuid)
    items = list(order.items.all())
    try:
        prepaid_pick(order=order, picks=_picks(request, items), copies=_copies(request, items))
    except PrepaidRefused as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, "Your choices are kept. Submit them when you are ready.")
    return redirect("gallery:prepaid", visitor.studio.slug, order.uuid)


@require_POST
@gallery_page()
def prepaid_submit(request: HttpRequest, visitor: Visitor, order_uuid: uuid.UUID) -> HttpResponse:
    """Keep the picks and send them to the studio. The picks are kept even when sending
    them is refused (an item left to choose)."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    order = _order_shown(request, visitor, order_uuid)
    items = list(order.items.all())
    try:
        prepaid_pick(order=order, picks=_picks(request, items), copies=_copies(request, items))
        prepaid_submit_picks(order=order, picks={})
    except PrepaidRefused as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, "Your choices are sent to the studio. Thank you!")
    return redirect("gallery:prepaid", visitor.studio.slug, order.uuid)
