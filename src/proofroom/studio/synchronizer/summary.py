"""What a sync did, in English, from the counts its run recorded.

"1 session uploaded, 2 client logins uploaded; downloaded 2 guests, 5 orders; 12 image
files sent (3.1 MB)". Every kind of work a run counts is named, so a sync that only reset
a client's login does not read as "Done." and nothing else.
"""

from __future__ import annotations

from django.db import transaction
from django.template.defaultfilters import filesizeformat

from proofroom.studio.synchronizer.runs import SyncKind, SyncRun

# The keys of SyncRun.uploaded, in the order a run does them, and their nouns.
UPLOADED = [
    ("price_lists", "price list", "price lists"),
    ("clients", "client login", "client logins"),
]
# Downloads, keyed by their SyncKind value, as the gallery's feed names them.
DOWNLOADED = {
    SyncKind.DOWNLOAD_GUESTS.value: ("guest", "guests"),
    SyncKind.DOWNLOAD_ORDERS.value: ("order", "orders"),
    SyncKind.DOWNLOAD_PREPAID.value: ("prepaid order selection", "prepaid order selections"),
    SyncKind.DOWNLOAD_FAVOURITES.value: ("favorite", "favorites"),
    SyncKind.DOWNLOAD_YEARBOOK.value: ("yearbook pick", "yearbook picks"),
}


def counted(n: int, singular: str, plural: str) -> str:
    """``1 session``, ``2 sessions``, ``0 sessions``."""
    return f"{n} {singular if n == 1 else plural}"


def sync_summary(run: SyncRun) -> str:
    """One line for the run's page, its log and the list of past syncs."""
    uploaded = run.uploaded or {}
    sent = []
    if run.sessions_uploaded:
        sent.append(counted(run.sessions_uploaded, "session", "sessions"))
    for key, singular, plural in UPLOADED:
        if uploaded.get(key):
            sent.append(counted(int(uploaded[key]), singular, plural))
    if uploaded.get("prepaid_orders"):
        sent.append(counted(int(uploaded["prepaid_orders"]), "prepaid order", "prepaid orders"))
    parts = []
    if sent:
        parts.append(", ".join(sent) + " uploaded")
    if run.sessions_removed:
        parts.append(counted(run.sessions_removed, "session", "sessions") + " taken down")
    got = [
        counted(int(run.downloaded[kind]), *nouns)
        for kind, nouns in DOWNLOADED.items()
        if (run.downloaded or {}).get(kind)
    ]
    if got:
        parts.append("downloaded " + ", ".join(got))
    if run.images_sent:
        files = counted(run.images_sent, "image file", "image files")
        parts.append(f"{files} sent ({filesizeformat(run.bytes_sent)})")
    if not parts:
        return "nothing to do: the gallery was up to date"
    return "; ".join(parts)


def sync_uploaded_add(run: SyncRun, **counts: int) -> None:
    """Add to the run's counts of what it uploaded (``clients=2``, ``price_lists=1``)."""
    if not any(counts.values()):
        return
    with transaction.atomic():
        current = (
            SyncRun.objects.select_for_update().values_list("uploaded", flat=True).get(pk=run.pk)
        )
        merged = {**current, **{k: int(current.get(k, 0)) + n for k, n in counts.items() if n}}
        SyncRun.objects.filter(pk=run.pk).update(uploaded=merged)
