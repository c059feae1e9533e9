"""Downloads: the gallery's change feed, one kind at a time, read after the desk's cursor.

Each page is applied in one transaction with the cursor it advances (by
``proofroom.studio.downloads``), then acknowledged, so the gallery can tell its clients
the studio has their order.
"""

from __future__ import annotations

from proofroom.studio.downloads import changes_apply, cursor_for
from proofroom.studio.synchronizer.context import RunContext
from proofroom.studio.synchronizer.runs import SyncKind, sync_run_downloaded
from proofroom.studio.synchronizer.transport import SyncFailed, detail
from proofroom.sync import protocol

PAGE_SIZE = 200


def download(ctx: RunContext, kind: protocol.ChangeKind) -> None:
    """Read the feed of one kind after our cursor, page by page; each page is applied
    in one transaction with the cursor, then acknowledged."""
    label = SyncKind(kind).label if kind in SyncKind.values else "Activated client logins"
    ctx.step(label)
    applied_total = 0
    acked = -1
    while True:
        after = cursor_for(kind)
        response = ctx.gallery.request(
            "GET", "/changes", params={"kinds": kind, "after": after, "limit": PAGE_SIZE}
        )
        if response.status_code != 200:
            raise SyncFailed(f"{label}: {detail(response)}")
        page = protocol.ChangesPage.model_validate_json(response.content)
        if not page.changes:
            if after > 0 and acked != after:
                # An acknowledgement lost after our commit is sent again, so the
                # gallery can still tell its clients the studio has their order.
                acknowledge(ctx, kind, after)
            break
        applied, upto = changes_apply(kind=kind, page=page)
        applied_total += applied
        acknowledge(ctx, kind, upto)
        acked = upto
    if applied_total:
        ctx.tell(f"{label}: {applied_total} change{'s' if applied_total != 1 else ''}.")
    sync_run_downloaded(run=ctx.run, kind=kind, applied=applied_total)


def acknowledge(ctx: RunContext, kind: protocol.ChangeKind, upto: int) -> None:
    ack = protocol.Ack(kind=kind, upto=upto).model_dump_json()
    ctx.gallery.request(
        "POST", "/changes/ack", content=ack, headers={"Content-Type": "application/json"}
    )
