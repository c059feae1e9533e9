"""The gallery's public pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from proofroom.gallery.tenants import Studio, studio_for_landing


def root(request: HttpRequest) -> HttpResponse:
    """The only studio's landing page, or the list of studios this gallery serves."""
    studio = studio_for_landing()
    if studio is not None:
        return render(request, "gallery/landing.html", {"studio": studio})
    return render(request, "gallery/directory.html", {"studios": Studio.objects.all()})


def landing(request: HttpRequest, studio_slug: str) -> HttpResponse:
    studio = get_object_or_404(Studio, slug=studio_slug)
    return render(request, "gallery/landing.html", {"studio": studio})
