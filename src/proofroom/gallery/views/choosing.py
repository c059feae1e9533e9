"""What visitors choose in a session: hearts, their own groups, the yearbook pose.

Each action answers the gallery's script with JSON and a plain form post with a
redirect back to the page it came from, so all of it works without JavaScript.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from proofroom.core.dates import date_display
from proofroom.gallery import access
from proofroom.gallery.accounts import Account
from proofroom.gallery.choices import favourite_count, own_group
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.forms import FavouriteForm, GroupNameForm, ImagesForm, YearbookForm
from proofroom.gallery.grid import image_ids_of_session, image_of_session
from proofroom.gallery.selections import (
    YearbookClosed,
    client_group_add,
    client_group_create,
    client_group_delete,
    client_group_remove,
    client_group_rename,
    favourite_set,
    yearbook_pick,
)
from proofroom.gallery.views.base import answer, gallery_page, safe_next, sign_in_url, wants_json
from proofroom.gallery.visitors import Visitor

SIGN_IN_TO_CHOOSE = "Sign in or create a guest login to keep favourites."
CLIENT_ONLY = "Favourites and groups of this gallery are kept by its client."


def _event_url(visitor: Visitor, session: OnlineSession) -> str:
    return reverse("gallery:event", args=[visitor.studio.slug, session.uuid])


def _back(request: HttpRequest, visitor: Visitor, session: OnlineSession) -> str:
    target = request.POST.get("next")
    return safe_next(request, visitor.studio, target) or _event_url(visitor, session)


def _chooser(
    request: HttpRequest, visitor: Visitor, session: OnlineSession
) -> Account | HttpResponse:
    """The account that may choose here, or the answer refusing this visitor: sign in
    first (401) or, on a client-only session, only its client (403)."""
    back = _back(request, visitor, session)
    if visitor.account is None:
        if wants_json(request):
            return JsonResponse(
                {"error": SIGN_IN_TO_CHOOSE, "sign_in": sign_in_url(visitor.studio, back)},
                status=401,
            )
        return answer(request, back=sign_in_url(visitor.studio, back), error=SIGN_IN_TO_CHOOSE)
    if not access.may_choose(session, visitor):
        return answer(request, back=back, error=CLIENT_ONLY, status=403)
    return visitor.account


def _problem(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
@gallery_page()
def favourite(
    request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID, image_uuid: uuid.UUID
) -> HttpResponse:
    """Heart (on=1) or un-heart (on=0) one image of the session."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    image = image_of_session(session=session, image_uuid=image_uuid)
    account = _chooser(request, visitor, session)
    if isinstance(account, HttpResponse):
        return account
    back = _back(request, visitor, session)
    form = FavouriteForm(request.POST)
    if not form.is_valid():
        return answer(request, back=back, error="Say whether to heart the photograph.")
    on = favourite_set(account=account, image=image, on=form.cleaned_data["on"])
    count = favourite_count(account=account, session=session)
    done = "is in your favourites" if on else "is no longer a favourite"
    return answer(
        request,
        back=back,
        data={"image": str(image.uuid), "favourite": on, "count": count},
        message=f"{image.file_name} {done}.",
    )


@require_POST
@gallery_page()
def group_create(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """A new group of the visitor's own."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    account = _chooser(request, visitor, session)
    if isinstance(account, HttpResponse):
        return account
    back = _back(request, visitor, session)
    form = GroupNameForm(request.POST)
    if not form.is_valid():
        return answer(request, back=back, error="Give the group a name.")
    try:
        group = client_group_create(
            account=account, session=session, name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        return answer(request, back=back, error=_problem(error))
    return answer(
        request,
        back=back,
        data={"group": {"id": group.pk, "name": group.name, "count": 0}},
        message=f"Group “{group.name}” created.",
    )


@require_POST
@gallery_page()
def group_rename(
    request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID, group_id: int
) -> HttpResponse:
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    group = own_group(account=visitor.account, session=session, group_id=group_id)
    back = _back(request, visitor, session)
    form = GroupNameForm(request.POST)
    if not form.is_valid():
        return answer(request, back=back, error="Give the group a name.")
    try:
        client_group_rename(group=group, name=form.cleaned_data["name"])
    except ValidationError as error:
        return answer(request, back=back, error=_problem(error))
    return answer(
        request,
        back=back,
        data={"group": {"id": group.pk, "name": group.name}},
        message=f"Group renamed “{group.name}”.",
    )


@require_POST
@gallery_page()
def group_delete(
    request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID, group_id: int
) -> HttpResponse:
    """Delete one of the visitor's groups; its photographs stay in the gallery."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    group = own_group(account=visitor.account, session=session, group_id=group_id)
    name = group.name
    client_group_delete(group=group)
    return answer(
        request,
        back=_event_url(visitor, session),
        data={"group": {"id": group_id, "deleted": True}},
        message=f"Group “{name}” deleted; its photographs are still in the gallery.",
    )


def _change_group(
    request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID, *, add: bool
) -> HttpResponse:
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    back = _back(request, visitor, session)
    form = ImagesForm(request.POST)
    if not form.is_valid():
        return answer(request, back=back, error="Choose one or more photographs and a group.")
    group = own_group(account=visitor.account, session=session, group_id=form.cleaned_data["group"])
    ids = image_ids_of_session(session=session, image_uuids=form.cleaned_data["images"])
    if add:
        changed = client_group_add(group=group, image_ids=ids)
        message = f"{changed} photograph{'s' if changed != 1 else ''} added to “{group.name}”."
    else:
        client_group_remove(group=group, image_ids=ids)
        message = f"Removed from “{group.name}”."
    return answer(
        request,
        back=back,
        data={"group": {"id": group.pk, "name": group.name, "count": group.images.count()}},
        message=message,
    )


@require_POST
@gallery_page()
def group_add(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """Add images (``images``, uuids) to one of the visitor's groups (``group``, its id)."""
    return _change_group(request, visitor, session_uuid, add=True)


@require_POST
@gallery_page()
def group_remove(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """Take images out of one of the visitor's groups (they stay in the gallery)."""
    return _change_group(request, visitor, session_uuid, add=False)


@require_POST
@gallery_page()
def yearbook(request: HttpRequest, visitor: Visitor, session_uuid: uuid.UUID) -> HttpResponse:
    """The session's client picks (or changes) the yearbook pose until the deadline."""
    session = access.session_for_visitor(visitor=visitor, session_uuid=session_uuid)
    account = _chooser(request, visitor, session)
    if isinstance(account, HttpResponse):
        return account
    back = _back(request, visitor, session)
    form = YearbookForm(request.POST)
    if not form.is_valid():
        return answer(request, back=back, error="Choose a photograph.")
    image = image_of_session(session=session, image_uuid=form.cleaned_data["image"])
    try:
        yearbook_pick(account=account, image=image)
    except YearbookClosed as closed:
        return answer(request, back=back, error=_problem(closed))
    assert session.yearbook_deadline is not None  # yearbook_pick refuses a session without one
    until = date_display(session.yearbook_deadline)
    return answer(
        request,
        back=back,
        data={"image": str(image.uuid), "file_name": image.file_name},
        message=f"{image.file_name} is your yearbook pose. You can change it until {until}.",
    )
