"""What every desk page shows: the studio's name in the top bar and the title."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from proofroom.studio.studios import studio_get


def desk(request: HttpRequest) -> dict[str, object]:
    if not request.path_info.startswith("/desk/"):
        return {}
    return {"desk_studio": SimpleLazyObject(studio_get)}
