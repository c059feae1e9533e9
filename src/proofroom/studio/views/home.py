"""The desk's home page: the day's overview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from proofroom.studio.sessions import sessions_search
from proofroom.studio.studios import studio_get
from proofroom.studio.workflow import stages_with_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "studio/home.html",
        {
            "studio": studio_get(),
            "stages": stages_with_counts(),
            "recent": sessions_search().order_by("-created_at")[:8],
        },
    )
