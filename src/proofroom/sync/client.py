"""The studio's synchronizer: pushes what the desk marked for upload to the gallery.

Every write is an idempotent PUT keyed by the studio's uuids, derivatives are
sent only when the gallery lacks them (by SHA-256), and a session is published
in one PUT only after all its derivatives are there. So a sync cut anywhere
and run again ends in the state of one that never broke, with nothing sent twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pydantic
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from proofroom.studio.clients import Client
from proofroom.studio.dates import studio_today
from proofroom.studio.derivatives import derivative_key
from proofroom.studio.downloads import YearbookSettings, changes_apply, cursor_for
from proofroom.studio.images import DerivativeStatus, Image, ImageGroup
from proofroom.studio.invoices import (
    Invoice,
    prepaid_failed,
    prepaid_manifest,
    prepaid_pending,
    prepaid_uploaded,
    prepaid_withdrawn,
)
from proofroom.studio.letters.triggers import session_published
from proofroom.studio.online import OnlineSettings, OnlineState
from proofroom.studio.pricelists import PriceList
from proofroom.studio.sessions import Session, session_status_change
from proofroom.studio.studios import Studio, studio_get
from proofroom.studio.syncs import (
    DOWNLOAD_KINDS,
    SyncKind,
    SyncRun,
    SyncStatus,
    sync_begin,
    sync_lease,
    sync_lease_renew,
)
from proofroom.studio.workflow import StageRole, stage_for_role
from proofroom.sync import protocol

logger = logging.getLogger(__name__)


class SyncFailed(Exception):
    """The sync stopped; the message is for the photographer."""


@dataclass
class Counters:
    requests: int = 0
    bytes_sent: int = 0
    blobs_sent: int = 0


class Gallery:
    """The gallery's sync API over HTTP, with clear errors for the desk."""

    def __init__(
        self, *, base_url: str, api_key: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.counters = Counters()
        self.batches = True
        self.before_request: Callable[[], None] | None = None
        self.http = httpx.Client(
            base_url=self.base_url + protocol.PREFIX,
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": "proofroom-sync/1"},
            timeout=httpx.Timeout(30.0, connect=10.0),
            transport=transport or httpx.HTTPTransport(retries=3),
        )

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        if self.before_request is not None:
            self.before_request()
        self.counters.requests += 1
        try:
            response = self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise SyncFailed(f"The gallery at {self.base_url} did not answer in time.") from None
        except httpx.TransportError as exc:
            raise SyncFailed(f"Cannot reach the gallery at {self.base_url} ({exc}).") from None
        if response.status_code == 401:
            raise SyncFailed("The gallery refused the API key. Check it in Settings.")
        if response.status_code >= 500:
            raise SyncFailed(f"The gallery had an error ({response.status_code}); try again later.")
        return response

    def put(self, path: str, model: protocol.Wire) -> httpx.Response:
        response = self.request(
            "PUT",
            path,
            content=model.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )
        if response.status_code not in (200, 201, 409):
            raise SyncFailed(f"The gallery refused {path}: {_detail(response)}")
        return response

    def missing(self, hashes: list[str]) -> list[str]:
        if not hashes:
            return []
        body = protocol.BlobQuery(hashes=hashes).model_dump_json()
        response = self.request(
            "POST", "/blobs/missing", content=body, headers={"Content-Type": "application/json"}
        )
        return protocol.BlobAnswer.model_validate_json(response.content).missing

    def post_batch(self, hashes: list[str]) -> bool:
        """Send several derivatives in one request. False when the gallery has no batch
        endpoint (an older gallery): the caller then sends them one by one."""
        files = []
        size = 0
        for sha in hashes:
            with default_storage.open(derivative_key(sha), "rb") as handle:
                data = handle.read()
            size += len(data)
            files.append(("blob", (f"{sha}.jpg", data, "image/jpeg")))
        response = self.request("POST", "/blobs/batch", files=files)
        if response.status_code in (404, 405):
            return False
        if response.status_code != 200:
            raise SyncFailed(f"The gallery refused previews: {_detail(response)}")
        answer = protocol.BatchAnswer.model_validate_json(response.content)
        if answer.refused:
            first = answer.refused[0]
            raise SyncFailed(
                f"The gallery refused a preview ({first.sha256[:12]}…): {first.detail}"
            )
        self.counters.bytes_sent += size
        self.counters.blobs_sent += len(answer.stored)
        return True

    def put_blob(self, sha256: str) -> None:
        with default_storage.open(derivative_key(sha256), "rb") as handle:
            data = handle.read()
        response = self.request(
            "PUT", f"/blobs/{sha256}", content=data, headers={"Content-Type": "image/jpeg"}
        )
        if response.status_code not in (200, 201):
            raise SyncFailed(f"The gallery refused a preview: {_detail(response)}")
        self.counters.bytes_sent += len(data)
        self.counters.blobs_sent += 1


def _detail(response: httpx.Response) -> str:
    """The gallery's reason; a 422's list of problems as "field: message; …"."""
    try:
        detail = response.json().get("detail", response.text)
    except (ValueError, AttributeError):
        return response.text[:300] or f"HTTP {response.status_code}"
    if isinstance(detail, list):
        detail = "; ".join(
            f"{problem.get('loc', ['body'])[-1]}: {problem.get('msg', '')}"
            if isinstance(problem, dict)
            else str(problem)
            for problem in detail
        )
    return str(detail)[:300]


Progress = Callable[[SyncRun], None]

BATCH_MAX_BYTES = 8 * 1024 * 1024
BATCH_MAX_FILES = 48


def _batches(hashes: list[str]) -> list[list[str]]:
    """Group derivatives into requests of at most 8 MB and 48 files."""
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for sha in hashes:
        length = default_storage.size(derivative_key(sha))
        if current and (size + length > BATCH_MAX_BYTES or len(current) >= BATCH_MAX_FILES):
            batches.append(current)
            current, size = [], 0
        current.append(sha)
        size += length
    if current:
        batches.append(current)
    return batches


class Synchronizer:
    def __init__(
        self, *, run: SyncRun, gallery: Gallery, studio: Studio, on_progress: Progress | None
    ) -> None:
        self.run, self.gallery, self.studio = run, gallery, studio
        self.on_progress = on_progress
        self.last_step = 0.0
        self.renewed = time.monotonic()
        gallery.before_request = self.heartbeat

    def heartbeat(self) -> None:
        """Renew the run's lease now and then; stop if it was given up meanwhile (this
        process stalled past it, and another sync may have started)."""
        now = time.monotonic()
        if now - self.renewed < sync_lease().total_seconds() / 10:
            return
        self.renewed = now
        if not sync_lease_renew(self.run):
            raise SyncFailed("This sync went silent past its lease and was given up.")

    def tell(self, line: str) -> None:
        self.run.note(line)
        logger.info("sync %s: %s", self.run.pk, line)

    def step(self, text: str, *, done: int | None = None, total: int | None = None) -> None:
        self.heartbeat()
        now = time.monotonic()
        if done is not None and total is None and now - self.last_step < 0.5:
            return  # a write per image would cost more than the upload itself
        self.last_step = now
        self.run.progress(step=text, done=done, total=total)
        if self.on_progress is not None:
            self.run.refresh_from_db()
            self.on_progress(self.run)

    # --- uploads ---------------------------------------------------------------
    def put_studio(self) -> None:
        s = self.studio
        self.gallery.put(
            "/studio",
            protocol.StudioProfile(
                name=s.name,
                email=s.email,
                phone=s.phone,
                website=s.website,
                currency=s.currency,
                time_zone=s.time_zone,
                ordering=protocol.OrderingTerms(
                    tax_rate=s.tax_rate,
                    tax_label=s.tax_label,
                    shipping_fee=s.shipping_fee,
                    offer_shipping=s.offer_shipping,
                    offer_pickup=s.offer_pickup,
                ),
            ),
        )

    def put_client(self, client: Client) -> None:
        self.gallery.put(
            f"/clients/{client.uuid}",
            protocol.Client(
                uuid=client.uuid,
                first_name=client.first_name,
                last_name=client.last_name,
                email=client.email,
                phone=client.phone,
                address=protocol.Address(
                    street=client.street,
                    city=client.city,
                    region=client.region,
                    postal_code=client.postal_code,
                    country=client.country,
                ),
                login_reset=client.login_reset,
            ),
        )
        Client.objects.filter(pk=client.pk).update(synced_at=timezone.now())

    def put_price_list(self, price_list: PriceList) -> None:
        products = list(price_list.products.prefetch_related("package_items__product"))
        self.gallery.put(
            f"/price-lists/{price_list.uuid}",
            protocol.PriceList(
                uuid=price_list.uuid,
                name=price_list.name,
                currency=price_list.currency,
                products=[
                    protocol.Product(
                        uuid=p.uuid,
                        name=p.name,
                        category=protocol.ProductCategory(p.category),
                        size=p.size,
                        price=p.price,
                        items=[
                            protocol.PackageItem(product=i.product.uuid, quantity=i.quantity)
                            for i in p.package_items.all()
                        ],
                    )
                    for p in products
                ],
            ),
        )

    def manifest(self, online: OnlineSettings) -> protocol.Session:
        session = online.session
        images = list(
            online.images.filter(status=DerivativeStatus.READY).order_by("position", "pk")
        )
        chosen = {image.pk for image in images}
        groups = []
        for group in ImageGroup.objects.filter(session=session, show_online=True).prefetch_related(
            "images"
        ):
            groups.append(
                protocol.Group(
                    uuid=group.uuid,
                    name=group.name,
                    images=[i.uuid for i in group.images.all() if i.pk in chosen],
                )
            )
        return protocol.Session(
            uuid=session.uuid,
            number=session.number,
            client=session.client.uuid,
            date=session.date,
            title=session.title,
            expire_date=online.expire_date,
            price_list=online.price_list.uuid if online.price_list else None,
            event_type=protocol.EventType(online.event_type),
            event_code=online.event_code,
            event_description=online.event_description,
            groups=groups,
            yearbook=self.yearbook(session, chosen),
            images=[
                protocol.Image(
                    uuid=i.uuid,
                    file_name=i.file_name,
                    position=n,
                    preview=i.preview_sha256,
                    preview_width=i.preview_width or 1,
                    preview_height=i.preview_height or 1,
                    thumbnail=i.thumbnail_sha256,
                )
                for n, i in enumerate(images)
            ],
        )

    def yearbook(self, session: Session, chosen: set[int]) -> protocol.Yearbook | None:
        settings = YearbookSettings.objects.filter(session=session).first()
        if settings is None:
            return None
        eligible = Image.objects.filter(pk__in=chosen)
        if settings.eligible_group_id:
            eligible = eligible.filter(groups=settings.eligible_group_id)
        return protocol.Yearbook(
            deadline=settings.deadline,
            images=list(eligible.order_by("position").values_list("uuid", flat=True)),
        )

    def upload_session(self, online: OnlineSettings) -> None:
        session = online.session
        revision = online.revision
        not_ready = online.images.exclude(status=DerivativeStatus.READY).count()
        if not_ready:
            self.tell(
                f"#{session.number}: {not_ready} chosen images have no preview yet; left out."
            )
        manifest = self.manifest(online)
        hashes = [h for i in manifest.images for h in (i.preview, i.thumbnail)]
        missing = self.gallery.missing(hashes)
        self.send_blobs(session.number, missing)
        response = self.gallery.put(f"/sessions/{session.uuid}", manifest)
        if response.status_code == 409:
            refusal = protocol.Refusal.model_validate_json(response.content)
            if not refusal.missing:
                raise SyncFailed(f"#{session.number}: {refusal.detail}")
            self.send_blobs(session.number, refusal.missing)
            response = self.gallery.put(f"/sessions/{session.uuid}", manifest)
            if response.status_code != 200:
                raise SyncFailed(f"#{session.number}: {_detail(response)}")
        answer = protocol.SessionAnswer.model_validate_json(response.content)
        with transaction.atomic():
            OnlineSettings.objects.filter(pk=online.pk).update(
                state=OnlineState.ONLINE,
                uploaded_at=timezone.now(),
                gallery_url=answer.url,
                last_problem="",
                removed_at=None,
            )
            OnlineSettings.objects.filter(pk=online.pk, revision=revision).update(
                needs_upload=False
            )
            online_stage = stage_for_role(StageRole.ONLINE)
            if online_stage is not None and session.stage.position < online_stage.position:
                session_status_change(session=session, stage=online_stage, user=self.run.started_by)
            session_published(online=online)  # the Online letter, on a first publishing
        self.tell(f"#{session.number} {session.title}: online with {answer.images} images.")

    def send_blobs(self, number: int, missing: list[str]) -> None:
        if missing:
            self.tell(f"#{number}: sending {len(missing)} previews and thumbnails.")
        for batch in _batches(missing):
            if self.gallery.batches and not self.gallery.post_batch(batch):
                self.gallery.batches = False
            if not self.gallery.batches:
                for sha in batch:
                    self.gallery.put_blob(sha)
            self.run.done += len(batch)
            self.step(f"#{number}: sending images", done=self.run.done)

    def upload_prepaid(self, invoice: Invoice) -> bool:
        """Offer a prepaid invoice online (or withdraw it once unticked). A refusal is noted
        on the invoice and the sync goes on; True when the gallery took it."""
        path = f"/prepaid-orders/{invoice.uuid}"
        if not invoice.prepaid_online:
            response = self.gallery.request("DELETE", path)
            if response.status_code not in (200, 404):
                raise SyncFailed(f"Invoice {invoice.number}: {_detail(response)}")
            prepaid_withdrawn(invoice.pk)
            self.tell(f"Invoice {invoice.number}: no longer offered online as prepaid.")
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
            self.tell(f"Invoice {invoice.number}: not uploaded — {problem}")
            return False
        response = self.gallery.put(path, manifest)
        if response.status_code == 409:
            problem = protocol.Refusal.model_validate_json(response.content).detail
            prepaid_failed(invoice.pk, problem)
            self.tell(f"Invoice {invoice.number}: not uploaded — {problem}")
            return False
        prepaid_uploaded(invoice.pk, revision)
        self.tell(
            f"Invoice {invoice.number}: prepaid order online, {len(manifest.items)} "
            f"item{'s' if len(manifest.items) != 1 else ''} to choose images for."
        )
        return True

    def remove_expired(self) -> int:
        today = studio_today(self.studio)
        expired = list(
            OnlineSettings.objects.filter(
                state__in=[OnlineState.ONLINE, OnlineState.PENDING], expire_date__lt=today
            ).select_related("session")
        )
        for online in expired:
            response = self.gallery.request("DELETE", f"/sessions/{online.session.uuid}")
            if response.status_code not in (200, 404):
                raise SyncFailed(f"#{online.session.number}: {_detail(response)}")
            OnlineSettings.objects.filter(pk=online.pk).update(
                state=OnlineState.REMOVED, removed_at=timezone.now(), needs_upload=False
            )
            self.tell(f"#{online.session.number} {online.session.title}: taken down.")
        return len(expired)

    # --- downloads ---------------------------------------------------------------
    def download(self, kind: str) -> None:
        """Read the feed of one kind after our cursor, page by page; each page is applied
        in one transaction with the cursor, then acknowledged."""
        label = SyncKind(kind).label if kind in SyncKind.values else "Activated client logins"
        self.step(label)
        applied_total = 0
        acked = -1
        while True:
            after = cursor_for(kind)
            response = self.gallery.request(
                "GET", "/changes", params={"kinds": kind, "after": after, "limit": 200}
            )
            if response.status_code != 200:
                raise SyncFailed(f"{label}: {_detail(response)}")
            page = protocol.ChangesPage.model_validate_json(response.content)
            if not page.changes:
                if after > 0 and acked != after:
                    # An acknowledgement lost after our commit is sent again, so the
                    # gallery can still tell its clients the studio has their order.
                    self.acknowledge(kind, after)
                break
            applied, upto = changes_apply(kind=kind, page=page)
            applied_total += applied
            self.acknowledge(kind, upto)
            acked = upto
        if applied_total:
            self.tell(f"{label}: {applied_total} change{'s' if applied_total != 1 else ''}.")
        counts = SyncRun.objects.values_list("downloaded", flat=True).get(pk=self.run.pk)
        SyncRun.objects.filter(pk=self.run.pk).update(downloaded={**counts, kind: applied_total})

    def acknowledge(self, kind: str, upto: int) -> None:
        ack = protocol.Ack(kind=kind, upto=upto).model_dump_json()
        self.gallery.request(
            "POST", "/changes/ack", content=ack, headers={"Content-Type": "application/json"}
        )

    # --- the run ------------------------------------------------------------------
    def execute(self) -> None:
        kinds = set(self.run.kinds)
        self.step("Checking the gallery")
        self.gallery.request("GET", "/ping")
        self.put_studio()
        pending = OnlineSettings.objects.filter(needs_upload=True).select_related(
            "session__client", "session__stage", "price_list"
        )
        if self.run.session_ids:
            pending = pending.filter(session_id__in=self.run.session_ids)
        pending_list = list(pending) if SyncKind.SESSIONS in kinds else []

        if SyncKind.PRICE_LISTS in kinds or pending_list:
            lists = PriceList.objects.filter(
                Q(pk__in=[o.price_list_id for o in pending_list if o.price_list_id])
                | (Q(web_enabled=True) if SyncKind.PRICE_LISTS in kinds else Q(pk__in=[]))
            ).distinct()
            for price_list in lists:
                self.step(f"Price list {price_list.name}")
                self.put_price_list(price_list)

        clients: dict[int, Client] = {o.session.client_id: o.session.client for o in pending_list}
        if SyncKind.CLIENTS in kinds:
            online_clients = Client.objects.filter(
                sessions__online__state__in=[OnlineState.ONLINE, OnlineState.PENDING]
            ).filter(Q(synced_at__isnull=True) | Q(updated_at__gt=F("synced_at")))
            clients.update({c.pk: c for c in online_clients.distinct()})
        for client in clients.values():
            self.step(f"Client {client.full_name}")
            self.put_client(client)

        if pending_list:
            hashes = 0
            for online in pending_list:
                hashes += 2 * online.images.filter(status=DerivativeStatus.READY).count()
            self.run.done = 0
            self.step("Sessions and images", done=0, total=hashes)
            for online in pending_list:
                try:
                    self.upload_session(online)
                except SyncFailed as exc:
                    OnlineSettings.objects.filter(pk=online.pk).update(last_problem=str(exc)[:300])
                    raise
                SyncRun.objects.filter(pk=self.run.pk).update(
                    sessions_uploaded=F("sessions_uploaded") + 1
                )
        if SyncKind.PREPAID_ORDERS in kinds:
            for invoice in prepaid_pending():
                self.step(f"Prepaid order {invoice.number}")
                self.upload_prepaid(invoice)
        for kind in DOWNLOAD_KINDS:
            if kind in kinds:
                self.download(kind)
        if SyncKind.CLIENTS in kinds:
            # The logins' round trip: which clients chose their own password (for the letters).
            self.download(protocol.ChangeKind.ACCOUNT)
        if SyncKind.REMOVE_EXPIRED in kinds:
            self.step("Removing expired sessions")
            removed = self.remove_expired()
            SyncRun.objects.filter(pk=self.run.pk).update(sessions_removed=removed)


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
        Synchronizer(run=run, gallery=gallery, studio=studio, on_progress=on_progress).execute()
    except SyncFailed as exc:
        run.note(f"Stopped: {exc}")
        _finish(run, gallery, SyncStatus.FAILED, str(exc))
    except Exception as exc:
        logger.exception("sync %s failed", run.pk)
        run.note(f"Stopped by an unexpected error: {exc.__class__.__name__}: {exc}")
        _finish(run, gallery, SyncStatus.FAILED, str(exc))
        raise
    else:
        run.note("Done.")
        _finish(run, gallery, SyncStatus.SUCCEEDED, "Done")
    run.refresh_from_db()
    return run


def _finish(run: SyncRun, gallery: Gallery | None, status: str, step: str) -> None:
    counters = gallery.counters if gallery else Counters()
    # Only while it holds its lease: a run given up meanwhile stays failed.
    SyncRun.objects.filter(pk=run.pk, status=SyncStatus.RUNNING).update(
        status=status,
        finished_at=timezone.now(),
        step=step[:200],
        requests=counters.requests,
        bytes_sent=counters.bytes_sent,
        images_sent=counters.blobs_sent,
    )
    if gallery is not None:
        gallery.close()
