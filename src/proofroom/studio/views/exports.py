"""The session's Export tab: a group or a rating out to Lightroom, Capture One or Bridge.

Downloads are GETs (they change nothing), so the one form of the page sends its choices to
each download with ``formaction``. A source with nothing to put in a file comes back to the
page with a message instead of an empty file.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from proofroom.studio import exports
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.exports import COLOUR_LABELS, REJECT, ExportSource, XmpOptions
from proofroom.studio.sessions import Session
from proofroom.studio.views.sessions_common import session_context, session_or_404

RATING_CHOICES = [
    ("", "No rating"),
    (str(REJECT), "Reject"),
    ("0", "No stars (clears a rating)"),
    *((str(n), f"{'★' * n} {n} star{'s' if n > 1 else ''}") for n in range(1, 6)),
]


class SidecarForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial="5",
        error_messages={"invalid_choice": "That is not a rating."},
    )
    label = forms.ChoiceField(
        label="Colour label",
        choices=[("", "No label"), *((name, name) for name in COLOUR_LABELS)],
        required=False,
        error_messages={"invalid_choice": "That is not a colour label."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("rating") is None and not data.get("label"):
            raise ValidationError("Choose a rating, a colour label or both for the sidecars.")
        return data


def _source_or_404(session: Session, key: str) -> ExportSource:
    source = exports.export_source(session=session, key=key)
    if source is None:
        raise Http404("No such group or rating on this session.")
    return source


def _back(request: HttpRequest, session: Session, message: str) -> HttpResponse:
    """To the Export tab with the same choices, saying why no file came."""
    messages.warning(request, message)
    query = urlencode({k: v for k, v in request.GET.items() if k in ("source", "rating", "label")})
    return redirect(f"{reverse('studio:session_export', args=[session.number])}?{query}")


def _nothing_in(source: ExportSource, image_count: int, what: str) -> str:
    if not image_count:
        return f"“{source.label}” has no images: there is nothing to export."
    return f"None of the images of “{source.label}” {what}; the page says why."


def _attachment(content: bytes, content_type: str, names: tuple[str, str]) -> HttpResponse:
    ascii_name, unicode_name = names
    response = HttpResponse(content, content_type=content_type)
    disposition = f'attachment; filename="{ascii_name}"'
    if unicode_name != ascii_name:
        disposition += f"; filename*=UTF-8''{quote(unicode_name, safe='')}"
    response["Content-Disposition"] = disposition
    return response


@desk_page(Area.SESSIONS)
@require_GET
def session_export(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    sources = exports.export_sources(session=session)
    key = request.GET.get("source", "")
    source = _source_or_404(session, key) if key else exports.export_default_source(sources=sources)
    sidecar_form = SidecarForm(request.GET if "rating" in request.GET else None)
    context = session_context(session, "export") | {
        "groups": [s for s in sources if s.is_group],
        "ratings": [s for s in sources if not s.is_group],
        "summary": exports.export_summary(session=session, source=source),
        "sidecar_form": sidecar_form,
    }
    return render(request, "studio/sessions/export.html", context)


@desk_page(Area.SESSIONS)
@require_GET
def export_lightroom(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    source = _source_or_404(session, request.GET.get("source", ""))
    images = list(exports.export_images(session=session, source=source))
    names = exports.lightroom_list(images=images)
    if not names.count:
        return _back(
            request, session, _nothing_in(source, len(images), "can go in a Lightroom list")
        )
    file_name = exports.export_file_name(session=session, source=source, suffix="lightroom.txt")
    return _attachment(names.text.encode(), "text/plain; charset=utf-8", file_name)


@desk_page(Area.SESSIONS)
@require_GET
def export_file_names(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    source = _source_or_404(session, request.GET.get("source", ""))
    images = list(exports.export_images(session=session, source=source))
    names = exports.file_name_list(images=images)
    if not names.count:
        return _back(
            request, session, _nothing_in(source, len(images), "can go in a list of file names")
        )
    file_name = exports.export_file_name(session=session, source=source, suffix="filenames.txt")
    return _attachment(names.text.encode(), "text/plain; charset=utf-8", file_name)


@desk_page(Area.SESSIONS)
@require_GET
def export_sidecars(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    source = _source_or_404(session, request.GET.get("source", ""))
    form = SidecarForm(request.GET)
    if not form.is_valid():
        problems = " ".join(str(m) for ms in form.errors.values() for m in ms)
        return _back(request, session, problems)
    images = list(exports.export_images(session=session, source=source))
    plan = exports.sidecar_plan(images=images)
    if not plan.count:
        return _back(request, session, _nothing_in(source, len(images), "can have an XMP sidecar"))
    options = XmpOptions(rating=form.cleaned_data["rating"], label=form.cleaned_data["label"])
    content = exports.xmp_sidecars_zip(plan=plan, options=options)
    file_name = exports.export_file_name(session=session, source=source, suffix="xmp.zip")
    return _attachment(content, "application/zip", file_name)


_EXPORT = "sessions/<int:number>/export"

urlpatterns = [
    path(f"{_EXPORT}/", session_export, name="session_export"),
    path(f"{_EXPORT}/lightroom/", export_lightroom, name="session_export_lightroom"),
    path(f"{_EXPORT}/file-names/", export_file_names, name="session_export_file_names"),
    path(f"{_EXPORT}/xmp/", export_sidecars, name="session_export_sidecars"),
]
