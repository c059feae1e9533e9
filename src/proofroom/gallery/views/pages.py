"""The gallery's pages: the studio's landing, signing in, a client's galleries, an
event's grid and its images, and the image bytes behind access-checked URLs."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from proofroom.core.security import indexable
from proofroom.gallery import access, invitations, logins, visitors
from proofroom.gallery.access import GalleryExpired
from proofroom.gallery.accounts import account_change_username, account_set_password
from proofroom.gallery.choices import choices_for
from proofroom.gallery.events import OnlineGroup, OnlineSession
from proofroom.gallery.forms import (
    ChangePasswordForm,
    ChangeUsernameForm,
    DateSearchForm,
    EventCodeForm,
    GalleryFilterForm,
    InviteForm,
    LoginForm,
    SetPasswordForm,
)
from proofroom.gallery.grid import (
    GridFilter,
    client_sessions,
    grid_filter_for,
    group_of_session,
    image_in_session,
    public_events,
    session_groups,
    session_images,
)
from proofroom.gallery.guests import guest_event_remember, guest_grants
from proofroom.gallery.tenants import studio_for_landing, studios_listed
from proofroom.gallery.views.base import (
    expired,
    gallery_page,
    render_page,
    safe_next,
    sign_in_redirect,
)
from proofroom.gallery.visitors import Visitor
from proofroom.sync.protocol import EventType

PER_PAGE = 120
IMAGE_MAX_AGE = 60 * 60  # short: access ends when the session expires or is taken down


# --------------------------------------------------------------------------- landing


def _landing(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    return render_page(
        request,
        visitor,
        "landing.html",
        {
            "login_form": LoginForm(),
            "code_form": EventCodeForm(),
            "date_form": DateSearchForm(),
            "events": public_events(studio=visitor.studio, limit=12),
        },
    )


@indexable
@require_safe
def root(request: HttpRequest) -> HttpResponseBase:
    """The only studio's landing page, or the list of studios this gallery serves."""
    studio = studio_for_landing()
    if studio is None:
        return render_page(request, None, "directory.html", {"studios": studios_listed()})
    return landing(request, studio.slug)


@indexable
@require_safe
@gallery_page()
def landing(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    return _landing(request, visitor)


@require_safe
@gallery_page()
def events(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """Public events, searched by date."""
    form = DateSearchForm(request.GET or None)
    on = form.cleaned_data["date"] if form.is_valid() else None
    found = public_events(studio=visitor.studio, on=on, limit=60)
    return render_page(
        request, visitor, "events.html", {"date_form": form, "on": on, "events": found}
    )


# --------------------------------------------------------------------------- signing in


@indexable
@require_http_methods(["GET", "POST"])
@gallery_page()
def login(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    studio = visitor.studio
    form = LoginForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        result = logins.login_attempt(
            studio=studio,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            address=visitors.client_address(request),
            device=logins.device_of(request, studio),
        )
        if result.account is not None:
            grants = guest_grants(account=result.account)
            visitors.visitor_sign_in(request, studio, result.account, grants)
            target = safe_next(request, studio, form.cleaned_data["next"])
            if result.account.must_set_password:
                url = reverse("gallery:set_password", args=[studio.slug])
                response = redirect(f"{url}?{urlencode({'next': target})}" if target else url)
            else:
                response = redirect(target or reverse("gallery:home", args=[studio.slug]))
            logins.device_remember(request, response, studio, result.account)
            return response
        form.add_error(None, result.error)
    return render_page(request, visitor, "login.html", {"form": form})


@require_http_methods(["GET", "POST"])
@gallery_page(pending_ok=True)
def set_password(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """Choose your own password: the default (the last name) works only once."""
    account, studio = visitor.account, visitor.studio
    if account is None:
        return redirect("gallery:login", studio.slug)
    if not account.must_set_password:
        return redirect("gallery:account", studio.slug)
    form = SetPasswordForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            account_set_password(account=account, password=form.cleaned_data["new_password"])
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            visitors.visitor_password_changed(request, studio, account)
            messages.success(request, "Your password is set. Welcome!")
            target = safe_next(request, studio, form.cleaned_data["next"])
            return redirect(target or reverse("gallery:home", args=[studio.slug]))
    return render_page(request, visitor, "set_password.html", {"form": form})


@require_POST
@gallery_page(pending_ok=True)
def logout(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    visitors.visitor_sign_out(request, visitor.studio)
    messages.success(request, "You have signed out.")
    return redirect("gallery:landing", visitor.studio.slug)


# --------------------------------------------------------------------------- the client's pages


@require_safe
@gallery_page()
def home(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """My galleries: the client's online sessions with their expire dates."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    sessions = client_sessions(account=visitor.account, studio=visitor.studio)
    return render_page(request, visitor, "home.html", {"sessions": sessions})


def _account_page(
    request: HttpRequest,
    visitor: Visitor,
    *,
    name_form: ChangeUsernameForm | None = None,
    password_form: ChangePasswordForm | None = None,
) -> HttpResponse:
    person = visitor.account
    assert person is not None
    if name_form is None:
        name_form = ChangeUsernameForm(account=person, initial={"username": person.username})
    if password_form is None:
        password_form = ChangePasswordForm(account=person)
    return render_page(
        request, visitor, "account.html", {"name_form": name_form, "password_form": password_form}
    )


@require_safe
@gallery_page()
def account(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """The user name and the password, each with its form; either needs the current
    password."""
    if visitor.account is None:
        return sign_in_redirect(request, visitor.studio)
    return _account_page(request, visitor)


@require_POST
@gallery_page()
def account_username(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """Change the user name."""
    person, studio = visitor.account, visitor.studio
    if person is None:
        return sign_in_redirect(request, studio)
    form = ChangeUsernameForm(request.POST, account=person, initial={"username": person.username})
    if form.is_valid():
        try:
            account_change_username(account=person, username=form.cleaned_data["username"])
        except ValidationError as error:
            form.add_error("username", error)
        else:
            messages.success(request, f"Your user name is now {person.username}.")
            return redirect("gallery:account", studio.slug)
    return _account_page(request, visitor, name_form=form)


@require_POST
@gallery_page()
def account_password(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """Change the password; this browser stays signed in, every other one is signed out."""
    person, studio = visitor.account, visitor.studio
    if person is None:
        return sign_in_redirect(request, studio)
    form = ChangePasswordForm(request.POST, account=person)
    if form.is_valid():
        try:
            account_set_password(account=person, password=form.cleaned_data["new_password"])
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            visitors.visitor_password_changed(request, studio, person)
            messages.success(request, "Your password is changed.")
            return redirect("gallery:account", studio.slug)
    return _account_page(request, visitor, password_form=form)


# --------------------------------------------------------------------------- events and galleries


@require_http_methods(["GET", "POST"])
@gallery_page()
def code(request: HttpRequest, visitor: Visitor) -> HttpResponse:
    """Open a private or public event by its code."""
    studio = visitor.studio
    form = EventCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = logins.code_attempt(
            studio=studio, code=form.cleaned_data["code"], address=visitors.client_address(request)
        )
        session = result.session
        if session is not None and not session.is_open:
            return expired(request, visitor, GalleryExpired(session))
        if session is not None:
            grant = session.event_code if session.event_type == EventType.PRIVATE else ""
            if grant:
                visitors.visitor_grant(request, studio, session, grant)
            if visitor.account is not None:
                guest_event_remember(account=visitor.account, session=session, grant=grant)
            return redirect("gallery:event", studio.slug, session.uuid)
        form.add_error("code", result.error)
    return render_page(request, visitor, "code.html", {"code_form": form})


def _grid_filter(
    request: HttpRequest, visitor: Visitor, session: OnlineSession, groups: list[OnlineGroup]
) -> tuple[GridFilter, int]:
    wanted = GalleryFilterForm(request.GET).values()
    grid = grid_filter_for(
        visitor=visitor,
        session=session,
        groups=groups,
        group_uuid=wanted["group"],
        favourites=bool(wanted["favourites"]),
        mine=wanted["mine"],
        yearbook=bool(wanted["yearbook"]),
    )
    return grid, wanted["page"] or 1


@require_safe
@gallery_page()
def event(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """A session's gallery: its groups as filters, a paged grid of thumbnails, and what
    the visitor chose (favourites, own groups, the yearbook pose)."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    groups = session_groups(session=session)
    grid, page_number = _grid_filter(request, visitor, session, groups)
    images = Paginator(session_images(session=session, grid=grid), PER_PAGE).get_page(page_number)
    choices = choices_for(visitor=visitor, session=session)
    is_client = access.is_session_client(session, visitor)
    return render_page(
        request,
        visitor,
        "event.html",
        {
            "session": session,
            "groups": groups,
            "grid": grid,
            "images": images,
            "tiles": choices.tiles(images),
            "choices": choices,
            "is_client": is_client,
            "guests_welcome": access.guests_welcome(session),
            "invite_form": InviteForm() if is_client else None,
        },
    )


@require_safe
@gallery_page()
def image_page(
    request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID, image_uuid: uuid.UUID
) -> HttpResponse:
    """One image large, with previous and next: the gallery without JavaScript."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    group = group_of_session(
        session=session, group_uuid=GalleryFilterForm(request.GET).values()["group"]
    )
    grid, _ = _grid_filter(request, visitor, session, [group] if group else [])
    place = image_in_session(session=session, image_uuid=image_uuid, grid=grid)
    choices = choices_for(visitor=visitor, session=session)
    return render_page(
        request,
        visitor,
        "image.html",
        {
            "session": session,
            "grid": grid,
            "place": place,
            "tile": choices.tiles([place.image])[0],
            "choices": choices,
            "guests_welcome": access.guests_welcome(session),
        },
    )


@require_POST
@gallery_page()
def invite(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """The client invites someone by email to view their (client-only) session."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    if visitor.account is None:
        raise Http404("No such gallery.")
    slug = visitor.studio.slug
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the email address of the person to invite.")
        return redirect("gallery:event", slug, session.uuid)
    try:
        invitations.invitation_send(
            session=session,
            invited_by=visitor.account,
            email=form.cleaned_data["email"],
            link_for=lambda token: request.build_absolute_uri(
                reverse("gallery:invitation", args=[slug, token])
            ),
        )
    except invitations.InvitationRefused as refused:
        messages.error(request, refused.reason)
    else:
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    return redirect("gallery:event", slug, session.uuid)


@require_safe
@gallery_page()
def invitation(request: HttpRequest, visitor: Visitor, token: str) -> HttpResponse:
    """An emailed invitation's link: this browser may now view the session."""
    found = invitations.invitation_for_token(studio=visitor.studio, token=token)
    visitors.visitor_grant(request, visitor.studio, found.session, visitors.INVITE_GRANT)
    return redirect("gallery:event", visitor.studio.slug, found.session.uuid)


# --------------------------------------------------------------------------- image bytes


@require_safe
@gallery_page()
def image_file(
    request: HttpRequest, visitor: Visitor, image_uuid: uuid.UUID, size: str
) -> HttpResponseBase:
    """A thumbnail or preview JPEG, only for those who may view its session now."""
    image = access.image_for_visitor(visitor=visitor, image_uuid=image_uuid)
    sha256 = image.thumbnail if size == "thumb" else image.preview
    key = access.blob_key_for(studio=visitor.studio, sha256=sha256)
    headers = {"Cache-Control": f"private, max-age={IMAGE_MAX_AGE}", "ETag": f'"{sha256}"'}
    if request.headers.get("If-None-Match") == headers["ETag"]:
        response: HttpResponseBase = HttpResponseNotModified()
    else:
        try:
            stream = default_storage.open(key, "rb")
        except OSError as missing:
            raise Http404("No such image.") from missing
        response = FileResponse(stream, content_type="image/jpeg", filename=image.file_name)
    for name, value in headers.items():
        response[name] = value
    return response
