"""What every desk page shows: the studio's name in the top bar and the title, and the
areas the user may open (the top bar links only those); and the studio's time zone,
which every desk request runs in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from proofroom.core.dates import zone_named
from proofroom.studio.areas import areas_open_to
from proofroom.studio.studios import studio_get


def desk(request: HttpRequest) -> dict[str, object]:
    if not request.path_info.startswith("/desk/"):
        return {}
    return {
        # The desk's time zone middleware has looked the studio up already.
        "desk_studio": getattr(request, "desk_studio", None) or SimpleLazyObject(studio_get),
        "desk_may": SimpleLazyObject(lambda: areas_open_to(request.user)),
    }


class DeskTimeZoneMiddleware:
    """Desk requests run in the studio's time zone, so every date and time a desk page
    shows is the studio's. The studio is looked up once and kept on the request, where
    the desk's context processor finds it for the top bar, so a page costs no extra query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/desk/"):
            return self.get_response(request)
        studio = studio_get()
        request.desk_studio = studio  # type: ignore[attr-defined]
        timezone.activate(zone_named(studio.time_zone if studio else None))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
