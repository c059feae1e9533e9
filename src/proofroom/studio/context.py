"""What every desk page shows: the studio's name in the top bar and the title, and the
areas the user may open (the top bar links only those)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

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
