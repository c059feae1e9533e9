"""A prepaid order's page: the client picks an image of the session for each item, keeps
the picks, and submits them to the studio (again, as often as they like, until the
session expires)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from proofroom.gallery import access, visitors
from proofroom.gallery.grid import session_images
from proofroom.gallery.prepaid import (
    PrepaidItem,
    PrepaidRefused,
    prepaid_of,
    prepaid_pick,
    prepaid_submit,
    prepaid_view,
)
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


@require_http_methods(["GET", "POST"])
@gallery_page()
def prepaid(request: HttpRequest, visitor: Visitor, order_uuid: uuid.UUID) -> HttpResponse:
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    order = prepaid_of(account=visitor.account, order_uuid=order_uuid)
    session = order.session
    if not access.may_view(session, visitor):
        # The studio offering this order on the session is an invitation to view it.
        visitors.visitor_grant(request, visitor.studio, session, visitors.INVITE_GRANT)
    if request.method == "POST":
        items = list(order.items.all())
        submit = request.POST.get("action") == "submit"
        try:
            # The picks are kept even when sending them is refused (an item left to choose).
            prepaid_pick(order=order, picks=_picks(request, items))
            if submit:
                prepaid_submit(order=order, picks={})
                messages.success(request, "Your choices are sent to the studio. Thank you!")
            else:
                messages.success(request, "Your choices are kept. Submit them when you are ready.")
        except PrepaidRefused as refused:
            messages.error(request, refused.detail)
        return redirect("gallery:prepaid", visitor.studio.slug, order.uuid)
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
