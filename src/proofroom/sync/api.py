"""The gallery's sync API, v1: the studio's synchronizer is its only caller.

Every request carries a studio's API key (``Authorization: Bearer prk_…``) and
is scoped to that studio: another studio's uuid is simply not found (404).
Writes are idempotent PUTs keyed by the studio's uuids, so a repeated or
resumed sync changes nothing twice.

Bad input is the caller's error, never a 500: the schemas in ``protocol`` refuse what
the gallery cannot store (422, with the field); what only a service or the database
can tell (a model's validation, a uniqueness, a value that does not fit) is turned
into a 422 or 409 naming the field here, once, for every endpoint.
"""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from proofroom.gallery.blob_writes import BlobRefused, blob_put, blobs_put_many
from proofroom.gallery.blobs import blobs_missing
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.feed import changes_ack, changes_after, feed_head
from proofroom.gallery.prepaid import PrepaidRefused, prepaid_put, prepaid_withdraw
from proofroom.gallery.publishing import (
    PublishRefused,
    client_put,
    pricelist_put,
    session_publish,
    session_take_down,
    studio_profile_put,
)
from proofroom.gallery.tenants import Studio, studio_for_api_key
from proofroom.sync import protocol


class StudioKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Studio | None:
        return studio_for_api_key(token)


api = NinjaAPI(
    title="Proofroom sync",
    version=str(protocol.VERSION),
    description="Studio → gallery uploads and the gallery's change feed.",
    urls_namespace="sync",
    auth=StudioKey(),
    docs_url=None,
)


def _problems(errors: DjangoValidationError) -> list[dict[str, object]]:
    """A model's validation errors in the shape of the API's own 422s."""
    if not hasattr(errors, "error_dict"):
        return [{"type": "invalid", "loc": ["body"], "msg": msg} for msg in errors.messages]
    return [
        {
            "type": "invalid",
            "loc": ["body"] if field == "__all__" else ["body", field],
            "msg": msg,
        }
        for field, messages in errors.message_dict.items()
        for msg in messages
    ]


@api.exception_handler(DjangoValidationError)
def model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _problems(exc)}, status=422)


# The columns a constraint names, as SQLite ("UNIQUE constraint failed: t.a, t.b") and
# PostgreSQL ('Key (a, b)=(…) already exists', 'null value in column "a"') word it.
_COLUMNS = (
    re.compile(r"constraint failed: ([\w., ]+)"),
    re.compile(r"Key \(([^)]+)\)="),
    re.compile(r'column "(\w+)"'),
)


def _columns(exc: Exception) -> list[str]:
    for pattern in _COLUMNS:
        found = pattern.search(str(exc))
        if found:
            names = [name.strip().rsplit(".", 1)[-1] for name in found.group(1).split(",")]
            return [name.removesuffix("_id") for name in names if name and name != "studio"]
    return []


@api.exception_handler(IntegrityError)
def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A uniqueness or reference the upload breaks: the caller's data conflicts with ours."""
    fields = _columns(exc)
    detail = "This conflicts with what the gallery holds" + (
        f" ({', '.join(fields)})." if fields else "."
    )
    return api.create_response(request, {"detail": detail, "fields": fields}, status=409)


@api.exception_handler(DataError)
def does_not_fit(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the schemas let through but a column cannot hold (too long, out of range)."""
    fields = _columns(exc)
    msg = "A value is too long or too large for the gallery to store."
    problem = {"type": "does_not_fit", "loc": ["body", *fields[:1]], "msg": msg}
    return api.create_response(request, {"detail": [problem]}, status=422)


def _studio(request: HttpRequest) -> Studio:
    studio = request.auth  # type: ignore[attr-defined]
    assert isinstance(studio, Studio)
    return studio


@api.get("/ping", response=protocol.Ok)
def ping(request: HttpRequest) -> protocol.Ok:
    """Check the key and the protocol version before a sync."""
    _studio(request)
    return protocol.Ok()


@api.put("/studio", response=protocol.Ok)
def put_studio(request: HttpRequest, data: protocol.StudioProfile) -> protocol.Ok:
    studio_profile_put(studio=_studio(request), data=data)
    return protocol.Ok()


@api.put("/clients/{client_uuid}", response=protocol.Ok)
def put_client(request: HttpRequest, client_uuid: uuid.UUID, data: protocol.Client) -> protocol.Ok:
    if data.uuid != client_uuid:
        raise HttpError(400, "The uuid in the path and in the body differ.")
    client_put(studio=_studio(request), data=data)
    return protocol.Ok()


@api.put("/price-lists/{list_uuid}", response=protocol.Ok)
def put_price_list(
    request: HttpRequest, list_uuid: uuid.UUID, data: protocol.PriceList
) -> protocol.Ok:
    if data.uuid != list_uuid:
        raise HttpError(400, "The uuid in the path and in the body differ.")
    pricelist_put(studio=_studio(request), data=data)
    return protocol.Ok()


@api.post("/blobs/missing", response=protocol.BlobAnswer)
def post_blobs_missing(request: HttpRequest, data: protocol.BlobQuery) -> protocol.BlobAnswer:
    """Which of these derivatives the gallery lacks: only those are uploaded."""
    return protocol.BlobAnswer(
        missing=blobs_missing(studio_id=_studio(request).pk, hashes=data.hashes)
    )


# Declared before /blobs/{sha256}, which would otherwise take "batch" for a hash.
@api.post(
    "/blobs/batch",
    response={200: protocol.BatchAnswer},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "blob": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "description": "Derivatives, each named <sha256>.jpg.",
                            }
                        },
                    }
                }
            }
        }
    },
)
def post_blob_batch(request: HttpRequest) -> protocol.BatchAnswer:
    """Several derivatives in one multipart request, each part named ``<sha256>.jpg``.

    Each is checked and stored on its own, so a batch cut short keeps what arrived whole;
    one request instead of one per file is what brings a sync near the raw transfer rate.
    """
    items: list[tuple[str, bytes]] = []
    refused: list[protocol.BlobRefusal] = []
    for upload in request.FILES.getlist("blob"):
        sha256 = (upload.name or "").removesuffix(".jpg")
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            refused.append(protocol.BlobRefusal(sha256=sha256[:64], detail="Not a SHA-256 name."))
            continue
        items.append((sha256, upload.read()))
    stored, bad = blobs_put_many(studio_id=_studio(request).pk, items=items)
    refused += [protocol.BlobRefusal(sha256=sha, detail=reason) for sha, reason in bad]
    return protocol.BatchAnswer(stored=stored, refused=refused)


@api.put(
    "/blobs/{sha256}",
    response={200: protocol.Ok, 201: protocol.Ok, 400: protocol.Problem},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def put_blob(request: HttpRequest, sha256: str) -> Status[protocol.Ok | protocol.Problem]:
    """The body is the JPEG; it must hash to the name it is put under."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        return Status(400, protocol.Problem(detail="Name a derivative by its lower-case SHA-256."))
    try:
        created = blob_put(studio_id=_studio(request).pk, sha256=sha256, data=request.body)
    except BlobRefused as exc:
        return Status(400, protocol.Problem(detail=exc.reason))
    return Status(201 if created else 200, protocol.Ok())


@api.put(
    "/sessions/{session_uuid}",
    response={200: protocol.SessionAnswer, 400: protocol.Problem, 409: protocol.Refusal},
)
def put_session(
    request: HttpRequest, session_uuid: uuid.UUID, data: protocol.Session
) -> Status[protocol.SessionAnswer | protocol.Problem | protocol.Refusal]:
    if data.uuid != session_uuid:
        return Status(400, protocol.Problem(detail="The uuid in the path and in the body differ."))
    studio = _studio(request)
    try:
        session = session_publish(studio=studio, data=data)
    except PublishRefused as exc:
        return Status(409, protocol.Refusal(detail=exc.detail, missing=exc.missing))
    return Status(
        200,
        protocol.SessionAnswer(
            uuid=session.uuid,
            images=session.images.count(),
            url=request.build_absolute_uri(f"/s/{studio.slug}/e/{session.uuid}/"),
        ),
    )


@api.get("/sessions/{session_uuid}", response={200: protocol.SessionState, 404: protocol.Problem})
def get_session(
    request: HttpRequest, session_uuid: uuid.UUID
) -> Status[protocol.SessionState | protocol.Problem]:
    session = OnlineSession.objects.filter(studio=_studio(request), uuid=session_uuid).first()
    if session is None:
        return Status(404, protocol.Problem(detail="This studio has no such online session."))
    return Status(
        200,
        protocol.SessionState(
            uuid=session.uuid,
            expire_date=session.expire_date,
            images=session.images.count(),
            taken_down=session.taken_down_at is not None,
        ),
    )


@api.delete("/sessions/{session_uuid}", response={200: protocol.Ok, 404: protocol.Problem})
def delete_session(
    request: HttpRequest, session_uuid: uuid.UUID
) -> Status[protocol.Ok | protocol.Problem]:
    """Take a session down: closed to everyone, its derivatives deleted. Repeatable."""
    if not session_take_down(studio=_studio(request), session_uuid=session_uuid):
        return Status(404, protocol.Problem(detail="This studio has no such online session."))
    return Status(200, protocol.Ok())


@api.put(
    "/prepaid-orders/{order_uuid}",
    response={200: protocol.Ok, 400: protocol.Problem, 409: protocol.Refusal},
)
def put_prepaid_order(
    request: HttpRequest, order_uuid: uuid.UUID, data: protocol.PrepaidOrder
) -> Status[protocol.Ok | protocol.Problem | protocol.Refusal]:
    """An invoice paid at the studio; the client picks an image for each item online.
    Repeatable: picks already made are kept for the items that remain."""
    if data.uuid != order_uuid:
        return Status(400, protocol.Problem(detail="The uuid in the path and in the body differ."))
    try:
        prepaid_put(studio=_studio(request), data=data)
    except PrepaidRefused as exc:
        return Status(409, protocol.Refusal(detail=exc.detail))
    return Status(200, protocol.Ok())


@api.delete("/prepaid-orders/{order_uuid}", response={200: protocol.Ok, 404: protocol.Problem})
def delete_prepaid_order(
    request: HttpRequest, order_uuid: uuid.UUID
) -> Status[protocol.Ok | protocol.Problem]:
    """The studio no longer offers this invoice for online picks. Repeatable."""
    if not prepaid_withdraw(studio=_studio(request), uuid=order_uuid):
        return Status(404, protocol.Problem(detail="This studio has no such prepaid order."))
    return Status(200, protocol.Ok())


CHANGES_PAGE_MAX = 500


@api.get("/changes", response=protocol.ChangesPage)
def get_changes(
    request: HttpRequest,
    kinds: str,
    after: int = Query(0, ge=0, le=protocol.INT64_MAX),
    limit: int = Query(200, ge=1, le=protocol.INT32_MAX),
) -> protocol.ChangesPage:
    """The next changes of these kinds (comma-separated) after a sequence number, oldest first."""
    studio = _studio(request)
    wanted = [k for k in kinds.split(",") if k in protocol.ChangeKind.__members__.values()]
    rows = changes_after(
        studio_id=studio.pk,
        kinds=wanted,
        after=after,
        limit=min(limit, CHANGES_PAGE_MAX),
    )
    return protocol.ChangesPage(
        changes=[
            protocol.Change(seq=row.seq, kind=row.kind, at=row.created_at, data=row.payload)
            for row in rows
        ],
        head=feed_head(studio_id=studio.pk),
    )


@api.post("/changes/ack", response=protocol.Ack)
def post_changes_ack(request: HttpRequest, data: protocol.Ack) -> protocol.Ack:
    """The studio applied everything of this kind up to ``upto``."""
    upto = changes_ack(studio_id=_studio(request).pk, kind=data.kind, upto=data.upto)
    return protocol.Ack(kind=data.kind, upto=upto)
