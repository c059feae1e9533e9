"""The change feed the studio downloads: pages after a sequence number, and acknowledgements."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query

from proofroom.gallery.feed import changes_ack, changes_after, feed_head
from proofroom.gallery.sync_api.router import api, request_studio
from proofroom.sync import protocol

CHANGES_PAGE_MAX = 500


@api.get("/changes", response=protocol.ChangesPage)
def get_changes(
    request: HttpRequest,
    kinds: str,
    after: int = Query(0, ge=0, le=protocol.INT64_MAX),
    limit: int = Query(200, ge=1, le=protocol.INT32_MAX),
) -> protocol.ChangesPage:
    """The next changes of these kinds (comma-separated) after a sequence number, oldest first."""
    studio = request_studio(request)
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
    upto = changes_ack(studio_id=request_studio(request).pk, kind=data.kind, upto=data.upto)
    return protocol.Ack(kind=data.kind, upto=upto)
