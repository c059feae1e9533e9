"""Guests of private and public events: their own login, to keep favourites (and order)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from proofroom.gallery import access
from proofroom.gallery.access import Visitor
from proofroom.gallery.accounts import PasswordRefused, account_guest_create
from proofroom.gallery.forms import GuestSignupForm
from proofroom.gallery.throttle import throttle_fail, throttled
from proofroom.gallery.views.base import gallery_page, render_page, sign_in_url


def _place(form: GuestSignupForm, error: ValidationError) -> None:
    """Put the service's refusals next to the fields they are about: the password rules
    by the password; the rest (an email already signed up) by the email."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for problem in error.error_list:
        about_password = isinstance(problem, PasswordRefused) or str(problem.code or "").startswith(
            "password"
        )
        form.add_error("new_password" if about_password else "email", problem)


@require_http_methods(["GET", "POST"])
@gallery_page()
def guest_signup(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """Create a guest login on a private or public event, signed in at once."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    if not access.guests_welcome(session):
        raise Http404("No such page.")
    event_url = reverse("gallery:event", args=[visitor.studio.slug, session.uuid])
    if visitor.account is not None:
        return redirect(event_url)
    form = GuestSignupForm(request.POST or None)
    address = access.client_address(request)
    if request.method == "POST" and throttled(
        studio_id=visitor.studio.pk, checks={"signup": address}
    ):
        form.add_error(None, "Too many new logins from here; try again in 15 minutes.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Every sign-up counts, not only failures: what abuse makes is accounts.
        throttle_fail(studio_id=visitor.studio.pk, checks={"signup": address})
        try:
            account = account_guest_create(
                studio_id=visitor.studio.pk,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["new_password"],
                session_uuid=session.uuid,
            )
        except ValidationError as error:
            _place(form, error)
        else:
            access.visitor_sign_in(request, visitor.studio, account)
            messages.success(
                request,
                f"Welcome, {account.first_name}. Tap the heart on the photographs you love.",
            )
            return redirect(event_url)
    return render_page(
        request,
        visitor,
        "guest.html",
        {"form": form, "session": session, "sign_in": sign_in_url(visitor.studio, event_url)},
    )
