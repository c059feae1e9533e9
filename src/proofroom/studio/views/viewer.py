"""The session's image viewer: cull with ratings, gather images into groups.

The page is server-rendered and paginated; ``static/studio/viewer.js`` adds the keyboard,
multi-select and the saves by fetch. Every write endpoint also works as a plain form post
(it redirects back to the viewer), so the page stays usable without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from proofroom.studio import images as studio_images
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.downloads import ONLINE_FAVOURITES, Hearter, favourite_hearters
from proofroom.studio.images import (
    ImageGroup,
    Rating,
    grid_rating_counts,
    group_of_session,
    groups_with_image_counts,
    images_for_grid,
)
from proofroom.studio.sessions import Session
from proofroom.studio.views.sessions_common import session_context, session_or_404

PAGE_SIZE = 200
# A page holds at most PAGE_SIZE images, so a request never names more than that.
MAX_IDS = PAGE_SIZE


# --- Reads (selectors in studio/images.py, always scoped to the session) ---------------


def group_or_404(*, session: Session, group_id: int) -> ImageGroup:
    group = group_of_session(session=session, group_id=group_id)
    if group is None:
        raise Http404("No such group in this session.")
    return group


def _is_favourites(group: ImageGroup | None) -> bool:
    return group is not None and group.name == ONLINE_FAVOURITES


def _mark_hearts(tiles: Any, hearters: list[Hearter]) -> None:
    """Each tile of the favourites group names whose hearts it holds (``hearted_by``)."""
    for image in tiles:
        image.hearted_by = [h for h in hearters if image.pk in h.image_ids]


# --- Input ------------------------------------------------------------------------------


class ImageIdsField(forms.Field):
    """A list of image ids posted as repeated ``image`` fields, without duplicates."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Choose at least one image.",
        "invalid": "Image ids are whole numbers.",
        "too_many": "Choose at most %(limit)s images at a time.",
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            ids = list(dict.fromkeys(int(v) for v in value))
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(ids) > MAX_IDS:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MAX_IDS}
            )
        return ids


class RateForm(forms.Form):
    image = ImageIdsField()
    rating = forms.ChoiceField(
        choices=Rating.choices, error_messages={"invalid_choice": "That is not a rating."}
    )


class GroupImagesForm(forms.Form):
    image = ImageIdsField()


class GroupNameForm(forms.Form):
    name = forms.CharField(
        max_length=80, error_messages={"required": "Give the group a name."}, strip=True
    )


def _errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _viewer_url(session: Session) -> str:
    return reverse("studio:session_images", args=[session.number])


def _back(request: HttpRequest, session: Session) -> HttpResponse:
    """Back to the viewer page the form was posted from (its filters and page kept)."""
    home = _viewer_url(session)
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return redirect(target if safe and target.startswith(home) else home)


def _refuse(request: HttpRequest, session: Session, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=400)
    messages.error(request, message)
    return _back(request, session)


def _own_images_or_404(session: Session, ids: list[int]) -> None:
    """A request naming an image that is not on this session finds nothing to change."""
    found = studio_images.images_for_session(session=session).filter(pk__in=ids).count()
    if found != len(ids):
        raise Http404("No such image on this session.")


# --- Views --------------------------------------------------------------------------------


@desk_page(Area.SESSIONS)
@require_GET
def session_images(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    rating = request.GET.get("rating", "")
    rating = rating if rating in Rating.values else ""
    group = None
    if request.GET.get("group"):
        group_param = request.GET["group"]
        if not group_param.isdigit():
            raise Http404("No such group.")
        group = group_or_404(session=session, group_id=int(group_param))
    hearters = favourite_hearters(session=session) if _is_favourites(group) else []
    by = next((h for h in hearters if str(h.account_uuid) == request.GET.get("by")), None)
    images = images_for_grid(session=session, rating=rating, group=group)
    if by is not None:
        images = images.filter(pk__in=by.image_ids)
    page = Paginator(images, PAGE_SIZE).get_page(request.GET.get("page"))
    _mark_hearts(page.object_list, hearters)
    context = session_context(session, "images") | {
        "page": page,
        "rating": rating,
        "group": group,
        "hearters": hearters,
        "by": by,
        "groups": list(groups_with_image_counts(session=session)),
        "counts": grid_rating_counts(session=session, group=group),
        "ratings": Rating,
    }
    return render(request, "studio/sessions/viewer.html", context)


@desk_page(Area.SESSIONS)
@require_POST
def images_rate(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _refuse(request, session, _errors(form))
    ids, rating = form.cleaned_data["image"], Rating(form.cleaned_data["rating"])
    _own_images_or_404(session, ids)
    studio_images.images_rate(session=session, image_ids=ids, rating=rating)
    if _wants_json(request):
        return JsonResponse({"images": ids, "rating": rating.value})
    messages.success(request, f"{len(ids)} marked {rating.label}.")
    return _back(request, session)


@desk_page(Area.SESSIONS)
@require_POST
def group_create(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    form = GroupNameForm(request.POST)
    if not form.is_valid():
        return _refuse(request, session, _errors(form))
    try:
        group = studio_images.group_create(session=session, name=form.cleaned_data["name"])
    except ValidationError as error:
        return _refuse(request, session, " ".join(error.messages))
    messages.success(request, f"Group “{group.name}” created.")
    return _back(request, session)


@desk_page(Area.SESSIONS)
@require_POST
def group_rename(request: HttpRequest, number: int, group_id: int) -> HttpResponse:
    session = session_or_404(number)
    group = group_or_404(session=session, group_id=group_id)
    old_name = group.name
    form = GroupNameForm(request.POST)
    if not form.is_valid():
        return _refuse(request, session, _errors(form))
    try:
        studio_images.group_rename(group=group, name=form.cleaned_data["name"])
    except ValidationError as error:
        return _refuse(request, session, " ".join(error.messages))
    messages.success(request, f"Group “{old_name}” renamed to “{group.name}”.")
    return _back(request, session)


@desk_page(Area.SESSIONS)
@require_POST
def group_delete(request: HttpRequest, number: int, group_id: int) -> HttpResponse:
    session = session_or_404(number)
    group = group_or_404(session=session, group_id=group_id)
    studio_images.group_delete(group=group)
    messages.success(request, f"Group “{group.name}” deleted; its images stay on the session.")
    # The page may have been filtered by the group that is now gone.
    return redirect(_viewer_url(session))


@desk_page(Area.SESSIONS)
@require_POST
def group_online(request: HttpRequest, number: int, group_id: int) -> HttpResponse:
    session = session_or_404(number)
    group = group_or_404(session=session, group_id=group_id)
    show_online = request.POST.get("show_online") == "1"
    studio_images.group_set_online(group=group, show_online=show_online)
    state = "is shown online" if show_online else "is no longer shown online"
    messages.success(request, f"Group “{group.name}” {state}.")
    return _back(request, session)


def _group_images_change(
    request: HttpRequest, number: int, group_id: int, add: bool
) -> HttpResponse:
    session = session_or_404(number)
    group = group_or_404(session=session, group_id=group_id)
    form = GroupImagesForm(request.POST)
    if not form.is_valid():
        return _refuse(request, session, _errors(form))
    ids = form.cleaned_data["image"]
    service = studio_images.group_add_images if add else studio_images.group_remove_images
    changed = service(group=group, image_ids=ids)
    if _wants_json(request):
        return JsonResponse({"group": group.pk, "changed": changed, "count": group.images.count()})
    verb = "added to" if add else "removed from"
    messages.success(request, f"{changed} {verb} “{group.name}”.")
    return _back(request, session)


@desk_page(Area.SESSIONS)
@require_POST
def group_add_images(request: HttpRequest, number: int, group_id: int) -> HttpResponse:
    return _group_images_change(request, number, group_id, add=True)


@desk_page(Area.SESSIONS)
@require_POST
def group_remove_images(request: HttpRequest, number: int, group_id: int) -> HttpResponse:
    return _group_images_change(request, number, group_id, add=False)


_GROUP = "sessions/<int:number>/groups/<int:group_id>"

urlpatterns = [
    path("sessions/<int:number>/images/", session_images, name="session_images"),
    path("sessions/<int:number>/images/rating/", images_rate, name="images_rate"),
    path("sessions/<int:number>/groups/new/", group_create, name="group_create"),
    path(f"{_GROUP}/rename/", group_rename, name="group_rename"),
    path(f"{_GROUP}/delete/", group_delete, name="group_delete"),
    path(f"{_GROUP}/online/", group_online, name="group_online"),
    path(f"{_GROUP}/add/", group_add_images, name="group_add_images"),
    path(f"{_GROUP}/remove/", group_remove_images, name="group_remove_images"),
]
