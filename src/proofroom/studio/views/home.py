"""The desk's shell: its home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from proofroom.studio.studios import studio_get


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/home.html", {"studio": studio_get()})
