"""What every gallery page shares: the studio and visitor resolved from the request, the
gallery's own 404 and 410 pages, safe redirects, and answers for script and form alike.

Every page below ``/s/<slug>/`` is resolved to its studio first and every lookup
is scoped to it. A visitor still on the default password sees nothing but the
"Choose your own password" page (and may sign out).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from proofroom.gallery import visitors
from proofroom.gallery.access import GalleryExpired
from proofroom.gallery.tenants import Studio
from proofroom.gallery.visitors import Visitor

P = ParamSpec("P")
PageView = Callable[Concatenate[HttpRequest, Visitor, P], HttpResponseBase]


def render_page(
    request: HttpRequest,
    visitor: Visitor | None,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    base = {"studio": visitor.studio if visitor else None, "visitor": visitor}
    return render(request, f"gallery/{template}", {**base, **(context or {})}, status=status)


def not_found(request: HttpRequest, visitor: Visitor | None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": "Not found."}, status=404)
    return render_page(request, visitor, "not_found.html", {"next": request.path}, status=404)


def expired(request: HttpRequest, visitor: Visitor, error: GalleryExpired) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": "This gallery has expired."}, status=410)
    return render_page(request, visitor, "expired.html", {"session": error.session}, status=410)


def gallery_page(
    *, pending_ok: bool = False
) -> Callable[[PageView[P]], Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]]:
    """Resolve the studio from the URL and the visitor from the session; run the view in
    the studio's time zone; render the gallery's own 404 and 410 pages; hold a visitor on
    the default password at "Choose your own password"."""

    def decorate(
        view: PageView[P],
    ) -> Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, studio_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            try:
                studio = visitors.studio_by_slug(studio_slug)
            except Http404:
                return not_found(request, None)
            visitor = visitors.visitor_for(request, studio)
            if visitor.must_set_password and not pending_ok:
                return redirect("gallery:set_password", studio.slug)
            # Every date and time on the page is the studio's (core.dates reads its zone).
            with timezone.override(studio.zone):
                try:
                    return view(request, visitor, *args, **kwargs)
                except GalleryExpired as error:
                    return expired(request, visitor, error)
                except Http404:
                    return not_found(request, visitor)

        return wrapper

    return decorate


def safe_next(request: HttpRequest, studio: Studio, target: str | None) -> str | None:
    if (
        target
        and target.startswith(f"/s/{studio.slug}/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return None


def sign_in_url(studio: Studio, next_url: str) -> str:
    return f"{reverse('gallery:login', args=[studio.slug])}?{urlencode({'next': next_url})}"


def sign_in_redirect(request: HttpRequest, studio: Studio) -> HttpResponse:
    return redirect(sign_in_url(studio, request.get_full_path()))


def wants_json(request: HttpRequest) -> bool:
    """The gallery's script asks for JSON; a plain form post wants a page."""
    return "application/json" in request.headers.get("Accept", "")


def answer(
    request: HttpRequest,
    *,
    back: str,
    data: dict[str, Any] | None = None,
    message: str = "",
    error: str = "",
    status: int = 400,
) -> HttpResponse:
    """The end of an action: JSON for the script (``error`` with ``status``), else the
    message flashed and a redirect ``back`` to the page the form was on."""
    if wants_json(request):
        if error:
            return JsonResponse({"error": error}, status=status)
        return JsonResponse({**(data or {}), "message": message})
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(back)
