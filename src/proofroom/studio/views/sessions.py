"""Desk pages for sessions: list, new, overview, edit, one-click status, and import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.dates import studio_today
from proofroom.studio.forms import ImportFolderForm, SessionForm
from proofroom.studio.images import rejections_of
from proofroom.studio.imports import (
    ImportSummary,
    folder_check,
    session_import_files,
    session_import_folder,
)
from proofroom.studio.sessions import (
    Session,
    session_create,
    session_status_change,
    session_update,
    sessions_search,
    status_history,
)
from proofroom.studio.views.sessions_common import session_context, session_or_404
from proofroom.studio.workflow import stage_by_pk, stages_all


@desk_page(Area.SESSIONS)
def session_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    chosen = request.GET.get("stage", "")
    stage = stage_by_pk(int(chosen)) if chosen.isdigit() else None
    page = Paginator(sessions_search(query=query, stage=stage), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "studio/sessions/list.html",
        {"page": page, "query": query, "stage": stage, "stages": stages_all()},
    )


@desk_page(Area.SESSIONS)
def session_new(request: HttpRequest) -> HttpResponse:
    initial = {"date": studio_today(), "client": request.GET.get("client")}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        session = session_create(user=request.user, **form.cleaned_data)
        messages.success(request, f"Session #{session.number} was created.")
        return redirect("studio:session_detail", number=session.number)
    return render(request, "studio/sessions/form.html", {"form": form, "session": None})


@desk_page(Area.SESSIONS)
def session_edit(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    form = SessionForm(
        request.POST or None,
        initial={
            "client": session.client,
            "session_type": session.session_type,
            "date": session.date,
            "description": session.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        session_update(session=session, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("studio:session_detail", number=session.number)
    return render(request, "studio/sessions/form.html", {"form": form, "session": session})


@desk_page(Area.SESSIONS)
def session_detail(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    context = session_context(session, "overview")
    context["history"] = status_history(session)
    context["groups"] = session.groups.all()
    return render(request, "studio/sessions/detail.html", context)


@desk_page(Area.SESSIONS)
@require_POST
def session_status(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    chosen = request.POST.get("stage", "")
    stage = stage_by_pk(int(chosen)) if chosen.isdigit() else None
    if stage is None:
        raise Http404("No such stage.")
    changed = session_status_change(session=session, stage=stage, user=request.user)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"stage": stage.name, "changed": changed})
    if changed:
        messages.success(request, f"#{session.number} is now at “{stage.name}”.")
    if request.POST.get("next") == "studio:workflow":
        return redirect("studio:workflow")
    return redirect("studio:session_detail", number=session.number)


def _report(request: HttpRequest, summary: ImportSummary) -> None:
    messages.success(
        request,
        f"Imported {summary.imported}, already there {summary.already_there}, "
        f"refused {len(summary.refused)}.",
    )
    for name, reason in summary.refused:
        messages.warning(request, f"{name}: {reason}")


@desk_page(Area.SESSIONS)
def session_import(request: HttpRequest, number: int) -> HttpResponse:
    session = session_or_404(number)
    folder_form = ImportFolderForm(request.POST if "folder" in request.POST else None)
    if request.method == "POST" and "folder" in request.POST:
        if folder_form.is_valid():
            try:
                folder = folder_check(folder_form.cleaned_data["folder"])
            except ValueError as exc:
                folder_form.add_error("folder", str(exc))
            else:
                session_import_folder.enqueue(session.pk, str(folder))
                messages.success(
                    request,
                    f"Importing {folder} in the background; its images appear here as they arrive.",
                )
                return redirect("studio:session_import", number=session.number)
    elif request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            messages.error(request, "Choose one or more image files to upload.")
        else:
            summary = _import_uploads(session, files)
            if request.headers.get("Accept") == "application/json":
                return JsonResponse(
                    {
                        "imported": summary.imported,
                        "already_there": summary.already_there,
                        "refused": [{"name": n, "reason": r} for n, r in summary.refused],
                    }
                )
            _report(request, summary)
            return redirect("studio:session_import", number=session.number)
    context = session_context(session, "import")
    context["folder_form"] = folder_form
    context["rejections"] = rejections_of(session=session)
    return render(request, "studio/sessions/import.html", context)


def _import_uploads(session: Session, files: list[UploadedFile]) -> ImportSummary:
    with tempfile.TemporaryDirectory(prefix="proofroom-upload-") as tmp:
        staged: list[tuple[Path, str]] = []
        for index, upload in enumerate(files):
            path = Path(tmp) / f"{index:05d}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            staged.append((path, upload.name or path.name))
        return session_import_files(session=session, files=staged)
