"""Derivatives (previews and thumbnails) by SHA-256: which the gallery lacks, and storing
them one by one or several per request."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from proofroom.gallery.blob_writes import BlobRefused, blob_put, blobs_put_many
from proofroom.gallery.blobs import blobs_missing
from proofroom.gallery.sync_api.router import api, request_studio
from proofroom.sync import protocol


@api.post("/blobs/missing", response=protocol.BlobAnswer)
def post_blobs_missing(request: HttpRequest, data: protocol.BlobQuery) -> protocol.BlobAnswer:
    """Which of these derivatives the gallery lacks: only those are uploaded."""
    return protocol.BlobAnswer(
        missing=blobs_missing(studio_id=request_studio(request).pk, hashes=data.hashes)
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
    stored, bad = blobs_put_many(studio_id=request_studio(request).pk, items=items)
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
        created = blob_put(studio_id=request_studio(request).pk, sha256=sha256, data=request.body)
    except BlobRefused as exc:
        return Status(400, protocol.Problem(detail=exc.reason))
    return Status(201 if created else 200, protocol.Ok())
