"""Clear the list of files an import refused, once the photographer has dealt with them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.images import import_rejections_clear
from proofroom.studio.views.sessions_common import session_or_404


@desk_page(Area.SESSIONS)
@require_POST
def refused_clear(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    cleared = import_rejections_clear(session=session)
    messages.success(
        request, f"Cleared {cleared} refused file{'s' if cleared != 1 else ''} from the list."
    )
    return redirect("studio:session_import", number=session.number)


urlpatterns = [
    path(
        "sessions/<int:number>/import/refused/clear/",
        refused_clear,
        name="session_import_refused_clear",
    ),
]
