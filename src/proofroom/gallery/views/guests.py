"""Guests of private and public events: their own login, to keep favourites (and order),
opened by a link mailed to their address."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from proofroom.gallery import access, visitors
from proofroom.gallery.accounts import PasswordRefused, account_guest_activate
from proofroom.gallery.events import session_of_studio
from proofroom.gallery.forms import GuestSignupForm
from proofroom.gallery.guests import guest_event_remember, guest_link_read, guest_signup_request
from proofroom.gallery.views.base import gallery_page, render_page, sign_in_url
from proofroom.gallery.visitors import Visitor


def _place(form: GuestSignupForm, error: ValidationError) -> None:
    """Put the service's refusals next to the fields they are about: the password rules
    by the password; the rest (the names) above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for problem in error.error_list:
        about_password = isinstance(problem, PasswordRefused) or str(problem.code or "").startswith(
            "password"
        )
        form.add_error("new_password" if about_password else None, problem)


@require_http_methods(["GET", "POST"])
@gallery_page()
def guest_signup(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """Sign up as a guest of a private or public event. Every address is answered the same
    ("check your email"); the mail opens a new login, or reminds an existing one."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    if not access.guests_welcome(session):
        raise Http404("No such page.")
    studio = visitor.studio
    event_url = reverse("gallery:event", args=[studio.slug, session.uuid])
    if visitor.account is not None:
        return redirect(event_url)
    form = GuestSignupForm(request.POST or None)
    sign_in = sign_in_url(studio, event_url)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guest_signup_request(
                studio=studio,
                session=session,
                grant=visitor.grants.get(str(session.uuid), ""),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["new_password"],
                link_for=lambda token: request.build_absolute_uri(
                    reverse("gallery:guest_confirm", args=[studio.slug, token])
                ),
                sign_in_url=request.build_absolute_uri(sign_in),
                address=visitors.client_address(request),
            )
        except ValidationError as error:
            _place(form, error)
        else:
            return render_page(
                request,
                visitor,
                "guest_sent.html",
                {"session": session, "email": data["email"], "sign_in": sign_in},
            )
    return render_page(
        request, visitor, "guest.html", {"form": form, "session": session, "sign_in": sign_in}
    )


@require_http_methods(["GET", "POST"])
@gallery_page()
def guest_confirm(request: HttpRequest, visitor: Visitor, token: str) -> HttpResponse:
    """The mailed link: a page whose button (a POST, so neither a mail scanner fetching the
    link nor another site can use it) opens the guest login, signs this browser in and
    shows the event."""
    studio = visitor.studio
    link = guest_link_read(studio=studio, token=token)
    if link is None:
        messages.error(request, "That link has expired or is not valid: sign up again.")
        return redirect("gallery:landing", studio.slug)
    event_url = reverse("gallery:event", args=[studio.slug, link.session])
    if request.method != "POST":
        return render_page(request, visitor, "guest_confirm.html", {"token": token})
    try:
        account = account_guest_activate(
            studio_id=studio.pk, account_uuid=link.account, session_uuid=link.session
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(sign_in_url(studio, event_url))
    if account is None:
        messages.info(request, "Your guest login is open: sign in with your email.")
        return redirect(sign_in_url(studio, event_url))
    visitors.visitor_sign_in(request, studio, account)
    session = session_of_studio(studio_id=studio.pk, session_uuid=link.session)
    if session is not None:
        if link.grant:
            visitors.visitor_grant(request, studio, session, link.grant)
        guest_event_remember(account=account, session=session, grant=link.grant)
    messages.success(
        request, f"Welcome, {account.first_name}. Tap the heart on the photographs you love."
    )
    return redirect(event_url)
