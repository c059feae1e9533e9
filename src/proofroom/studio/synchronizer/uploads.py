"""Uploads: the studio's profile, clients, price lists, sessions with their previews,
prepaid orders, and taking expired sessions down.

Every write is an idempotent PUT keyed by the studio's uuids, derivatives are sent only
when the gallery lacks them (by SHA-256), and a session is published in one PUT only after
all its derivatives are there. So a sync cut anywhere and run again ends in the state of
one that never broke, with nothing sent twice.
"""

from __future__ import annotations

import pydantic
from django.db import transaction

from proofroom.studio.clients import Client, client_synced
from proofroom.studio.dates import studio_today
from proofroom.studio.images import DerivativeStatus
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.invoices.prepaid import (
    prepaid_failed,
    prepaid_manifest,
    prepaid_uploaded,
    prepaid_withdrawn,
)
from proofroom.studio.letters.triggers import session_published
from proofroom.studio.online import (
    OnlineSettings,
    online_published,
    online_take_down_pending,
    online_taken_down,
    sessions_expired_online,
    sessions_to_take_down,
)
from proofroom.studio.pricelists import PriceList
from proofroom.studio.synchronizer import manifests, transport
from proofroom.studio.synchronizer.context import RunContext
from proofroom.studio.synchronizer.transport import SyncFailed, detail
from proofroom.sync import protocol


def upload_studio(ctx: RunContext) -> None:
    ctx.gallery.put("/studio", manifests.studio_profile(ctx.studio))


def upload_client(ctx: RunContext, client: Client) -> None:
    ctx.gallery.put(f"/clients/{client.uuid}", manifests.client_record(client))
    client_synced(client=client)


def upload_price_list(ctx: RunContext, price_list: PriceList) -> None:
    ctx.gallery.put(f"/price-lists/{price_list.uuid}", manifests.price_list_record(price_list))


def upload_session(ctx: RunContext, online: OnlineSettings) -> bool:
    """Publish the session; False, sending nothing, when the desk asked meanwhile to
    take it down."""
    session = online.session
    revision = online.revision
    if online_take_down_pending(online=online):
        return False
    not_ready = online.images.exclude(status=DerivativeStatus.READY).count()
    if not_ready:
        ctx.tell(f"#{session.number}: {not_ready} chosen images have no preview yet; left out.")
    manifest = manifests.session_manifest(online)
    hashes = [h for i in manifest.images for h in (i.preview, i.thumbnail)]
    missing = ctx.gallery.missing(hashes)
    send_blobs(ctx, session.number, missing)
    response = ctx.gallery.put(f"/sessions/{session.uuid}", manifest)
    if response.status_code == 409:
        refusal = protocol.Refusal.model_validate_json(response.content)
        if not refusal.missing:
            raise SyncFailed(f"#{session.number}: {refusal.detail}")
        send_blobs(ctx, session.number, refusal.missing)
        response = ctx.gallery.put(f"/sessions/{session.uuid}", manifest)
        if response.status_code != 200:
            raise SyncFailed(f"#{session.number}: {detail(response)}")
    answer = protocol.SessionAnswer.model_validate_json(response.content)
    with transaction.atomic():  # published, and the Online letter written, together
        online_published(
            online=online, revision=revision, gallery_url=answer.url, user=ctx.run.started_by
        )
        session_published(online=online)  # the Online letter, on a first publishing
    ctx.tell(f"#{session.number} {session.title}: online with {answer.images} images.")
    return True


def send_blobs(ctx: RunContext, number: int, missing: list[str]) -> None:
    gallery = ctx.gallery
    if missing:
        ctx.tell(f"#{number}: sending {len(missing)} previews and thumbnails.")
    for batch in transport.batches(missing):
        if gallery.batches and not gallery.post_batch(batch):
            gallery.batches = False
        if not gallery.batches:
            for sha in batch:
                gallery.put_blob(sha)
        ctx.run.done += len(batch)
        ctx.step(f"#{number}: sending images", done=ctx.run.done)


def upload_prepaid(ctx: RunContext, invoice: Invoice) -> bool:
    """Offer a prepaid invoice online (or withdraw it once unticked). A refusal is noted
    on the invoice and the sync goes on; True when the gallery took it."""
    path = f"/prepaid-orders/{invoice.uuid}"
    if not invoice.prepaid_online:
        response = ctx.gallery.request("DELETE", path)
        if response.status_code not in (200, 404):
            raise SyncFailed(f"Invoice {invoice.number}: {detail(response)}")
        prepaid_withdrawn(invoice.pk)
        ctx.tell(f"Invoice {invoice.number}: no longer offered online as prepaid.")
        return True
    revision = invoice.prepaid_revision
    try:
        manifest = prepaid_manifest(invoice)
    except pydantic.ValidationError as exc:
        fields = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        problem = (
            "Give the invoice at least one line to choose an image for."
            if "items" in fields
            else "Choose the session whose images the client picks from."
            if "session" in fields
            else f"The invoice cannot be offered online: {exc.errors()[0]['msg']}"
        )
        prepaid_failed(invoice.pk, problem)
        ctx.tell(f"Invoice {invoice.number}: not uploaded — {problem}")
        return False
    response = ctx.gallery.put(path, manifest)
    if response.status_code == 409:
        problem = protocol.Refusal.model_validate_json(response.content).detail
        prepaid_failed(invoice.pk, problem)
        ctx.tell(f"Invoice {invoice.number}: not uploaded — {problem}")
        return False
    prepaid_uploaded(invoice.pk, revision)
    ctx.tell(
        f"Invoice {invoice.number}: prepaid order online, {len(manifest.items)} "
        f"item{'s' if len(manifest.items) != 1 else ''} to choose images for."
    )
    return True


def take_down(ctx: RunContext, *, expired: bool) -> int:
    """Take down every session the desk asked to take down now and, with ``expired``,
    every one past its expiry date; returns how many.

    It runs after the uploads and reads the requests afresh, so a take-down asked for
    while this sync was sending the session still leaves the gallery without it."""
    chosen = {online.pk: online for online in sessions_to_take_down()}
    if expired:
        for online in sessions_expired_online(today=studio_today(ctx.studio)):
            chosen.setdefault(online.pk, online)
    for online in chosen.values():
        response = ctx.gallery.request("DELETE", f"/sessions/{online.session.uuid}")
        if response.status_code not in (200, 404):
            raise SyncFailed(f"#{online.session.number}: {detail(response)}")
        online_taken_down(online=online, revision=online.revision, user=ctx.run.started_by)
        ctx.tell(f"#{online.session.number} {online.session.title}: taken down.")
    return len(chosen)
