"""The desk's home page: the day's overview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from proofroom.studio.areas import desk_page
from proofroom.studio.online import sessions_expiring
from proofroom.studio.sessions import sessions_search
from proofroom.studio.studios import studio_get
from proofroom.studio.synchronizer.runs import last_scheduled_sync
from proofroom.studio.workflow import stages_with_counts


@desk_page(None)
def home(request: HttpRequest) -> HttpResponse:
    studio = studio_get()
    warning_days = studio.expire_warning_days if studio else 7
    soon, expired = sessions_expiring(within_days=warning_days)
    return render(
        request,
        "studio/home.html",
        {
            "studio": studio,
            "expiring_soon": soon,
            "expired": expired,
            "warning_days": warning_days,
            "last_auto_sync": last_scheduled_sync(),
            "stages": stages_with_counts(),
            "recent": sessions_search().order_by("-created_at")[:8],
        },
    )
