"""The Synchronizer page: the seed's checkboxes, Start Sync, live progress and past syncs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.online import sessions_expiring
from proofroom.studio.studios import studio_get
from proofroom.studio.synchronizer.runner import sync_start
from proofroom.studio.synchronizer.runs import (
    DOWNLOAD_KINDS,
    LATER_KINDS,
    SyncBusy,
    SyncKind,
    sync_in_progress,
    sync_run_get,
    sync_runs_listed,
)

UPLOAD_KINDS = [
    SyncKind.SESSIONS,
    SyncKind.CLIENTS,
    SyncKind.PRICE_LISTS,
    SyncKind.PREPAID_ORDERS,
]


@desk_page(Area.SYNC)
def synchronizer(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        kinds = [k for k in request.POST.getlist("kind") if k in SyncKind.values]
        if not kinds:
            messages.error(request, "Check at least one thing to synchronize.")
        else:
            try:
                run = sync_start(kinds=kinds, user=request.user)
            except SyncBusy as busy:
                messages.error(request, str(busy))
            else:
                return redirect("studio:sync_run", pk=run.pk)
    studio = studio_get()
    _soon, expired = sessions_expiring(within_days=studio.expire_warning_days if studio else 7)
    checked = set(UPLOAD_KINDS)
    if request.GET.get("remove_expired") or expired:
        checked.add(SyncKind.REMOVE_EXPIRED)
    context = {
        "uploads": [(k, k.label, k in checked) for k in UPLOAD_KINDS],
        "remove": (
            SyncKind.REMOVE_EXPIRED,
            SyncKind.REMOVE_EXPIRED.label,
            SyncKind.REMOVE_EXPIRED in checked,
        ),
        "downloads": [(k, k.label, True) for k in DOWNLOAD_KINDS],
        "later": LATER_KINDS,
        "expired": expired,
        "connected": bool(studio and studio.gallery_url and studio.gallery_api_key),
        "running": sync_in_progress(),
        "runs": sync_runs_listed()[:25],
    }
    return render(request, "studio/sync/synchronizer.html", context)


@desk_page(Area.SYNC)
def sync_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = sync_run_get(pk=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {
                "status": run.status,
                "status_label": run.get_status_display(),
                "step": run.step,
                "done": run.done,
                "total": run.total,
                "log": run.log,
                "finished": run.finished_at is not None,
            }
        )
    return render(request, "studio/sync/run.html", {"run": run})
