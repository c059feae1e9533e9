"""One run of the synchronizer, from the queue to its end: what it does in which order,
and how it records success or the reason it stopped.

A run is queued by ``sync_start`` (the desk) or claimed by the command line and the
schedule; the background worker's ``sync_run`` task, the command and the schedule then
execute it with ``sync_run_execute``.
"""

from __future__ import annotations

import logging

import httpx
from django.db import transaction
from django.db.models import F, Q
from django_tasks import task

from proofroom.studio.clients import Client
from proofroom.studio.images import DerivativeStatus
from proofroom.studio.invoices.prepaid import prepaid_pending
from proofroom.studio.online import OnlineSettings, OnlineState, online_upload_failed
from proofroom.studio.pricelists import PriceList
from proofroom.studio.studios import studio_get
from proofroom.studio.synchronizer import downloads, uploads
from proofroom.studio.synchronizer.context import Progress, RunContext
from proofroom.studio.synchronizer.runs import (
    DOWNLOAD_KINDS,
    SyncKind,
    SyncRun,
    SyncStatus,
    SyncTrigger,
    sync_begin,
    sync_claim,
    sync_finish,
    sync_run_session_uploaded,
    sync_run_sessions_removed,
)
from proofroom.studio.synchronizer.summary import sync_summary, sync_uploaded_add
from proofroom.studio.synchronizer.transport import Counters, Gallery, SyncFailed
from proofroom.sync import protocol

logger = logging.getLogger(__name__)


def execute(ctx: RunContext) -> None:
    kinds = set(ctx.run.kinds)
    ctx.step("Checking the gallery")
    ctx.gallery.request("GET", "/ping")
    uploads.upload_studio(ctx)
    pending = OnlineSettings.objects.filter(
        needs_upload=True, take_down_requested=False
    ).select_related("session__client", "session__stage", "price_list")
    if ctx.run.session_ids:
        pending = pending.filter(session_id__in=ctx.run.session_ids)
    pending_list = list(pending) if SyncKind.SESSIONS in kinds else []

    if SyncKind.PRICE_LISTS in kinds or pending_list:
        lists = PriceList.objects.filter(
            Q(pk__in=[o.price_list_id for o in pending_list if o.price_list_id])
            | (Q(web_enabled=True) if SyncKind.PRICE_LISTS in kinds else Q(pk__in=[]))
        ).distinct()
        for price_list in lists:
            ctx.step(f"Price list {price_list.name}")
            uploads.upload_price_list(ctx, price_list)
        sync_uploaded_add(ctx.run, price_lists=len(lists))

    clients: dict[int, Client] = {o.session.client_id: o.session.client for o in pending_list}
    if SyncKind.CLIENTS in kinds:
        online_clients = Client.objects.filter(
            sessions__online__state__in=[OnlineState.ONLINE, OnlineState.PENDING]
        ).filter(Q(synced_at__isnull=True) | Q(updated_at__gt=F("synced_at")))
        clients.update({c.pk: c for c in online_clients.distinct()})
    for client in clients.values():
        ctx.step(f"Client {client.full_name}")
        uploads.upload_client(ctx, client)
    sync_uploaded_add(ctx.run, clients=len(clients))

    if pending_list:
        hashes = 0
        for online in pending_list:
            hashes += 2 * online.images.filter(status=DerivativeStatus.READY).count()
        ctx.run.done = 0
        ctx.step("Sessions and images", done=0, total=hashes)
        for online in pending_list:
            try:
                uploaded = uploads.upload_session(ctx, online)
            except SyncFailed as exc:
                online_upload_failed(online=online, problem=str(exc))
                raise
            if uploaded:
                sync_run_session_uploaded(run=ctx.run)
    if SyncKind.PREPAID_ORDERS in kinds:
        prepaid = 0
        for invoice in prepaid_pending():
            ctx.step(f"Prepaid order {invoice.number}")
            prepaid += uploads.upload_prepaid(ctx, invoice)
        sync_uploaded_add(ctx.run, prepaid_orders=prepaid)
    if SyncKind.CLIENTS in kinds:
        # The logins' round trip: which clients chose their own password (for the letters).
        downloads.download(ctx, protocol.ChangeKind.ACCOUNT)
    for kind in DOWNLOAD_KINDS:
        if kind in kinds:
            downloads.download(ctx, protocol.ChangeKind(kind))
    # Last, after the uploads: a take-down asked for while this sync ran is honoured now.
    expired = SyncKind.REMOVE_EXPIRED in kinds
    if expired:
        ctx.step("Removing expired sessions")
    removed = uploads.take_down(ctx, expired=expired)
    if removed:
        sync_run_sessions_removed(run=ctx.run, count=removed)


def sync_run_execute(
    *,
    run_id: int,
    transport: httpx.BaseTransport | None = None,
    on_progress: Progress | None = None,
) -> SyncRun:
    """Run a queued sync to its end; the run records success or the reason it failed.
    A run no longer queued (given up, or taken by another worker) is left as it is."""
    run = SyncRun.objects.get(pk=run_id)
    if not sync_begin(run):
        run.refresh_from_db()
        return run
    studio = studio_get()
    gallery = None
    try:
        if studio is None or not studio.gallery_url or not studio.gallery_api_key:
            raise SyncFailed("Set the gallery's address and API key in Settings first.")
        gallery = Gallery(
            base_url=studio.gallery_url, api_key=studio.gallery_api_key, transport=transport
        )
        execute(RunContext(run=run, gallery=gallery, studio=studio, on_progress=on_progress))
    except SyncFailed as exc:
        run.note(f"Stopped: {exc}")
        _finish(run, gallery, SyncStatus.FAILED, str(exc))
    except Exception as exc:
        logger.exception("sync %s failed", run.pk)
        run.note(f"Stopped by an unexpected error: {exc.__class__.__name__}: {exc}")
        _finish(run, gallery, SyncStatus.FAILED, str(exc))
        raise
    else:
        run.refresh_from_db()
        if gallery is not None:  # _finish records these; the summary names them first
            run.images_sent = gallery.counters.blobs_sent
            run.bytes_sent = gallery.counters.bytes_sent
        run.note(f"Done: {sync_summary(run)}.")
        _finish(run, gallery, SyncStatus.SUCCEEDED, "Done")
    run.refresh_from_db()
    return run


def _finish(run: SyncRun, gallery: Gallery | None, status: SyncStatus, step: str) -> None:
    counters = gallery.counters if gallery else Counters()
    sync_finish(
        run=run,
        status=status,
        step=step,
        requests=counters.requests,
        bytes_sent=counters.bytes_sent,
        images_sent=counters.blobs_sent,
    )
    if gallery is not None:
        gallery.close()


@task(queue_name="sync")
def sync_run(run_id: int) -> str:
    return str(sync_run_execute(run_id=run_id).status)


def sync_start(
    *,
    kinds: list[str],
    user: object | None = None,
    session_ids: list[int] | None = None,
    trigger: SyncTrigger = SyncTrigger.DESK,
) -> SyncRun:
    """Queue a sync; the background worker runs it (never inside a web request). Raises
    SyncBusy while another sync is live."""
    run = sync_claim(kinds=kinds, user=user, session_ids=session_ids, trigger=trigger)
    transaction.on_commit(lambda: sync_run.enqueue(run.pk))
    return run
