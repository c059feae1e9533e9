"""``proofroom sync``: the synchronizer in a terminal, with a progress bar and a summary."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from proofroom.studio.synchronizer.runner import sync_run_execute
from proofroom.studio.synchronizer.runs import (
    DOWNLOAD_KINDS,
    SyncBusy,
    SyncKind,
    SyncRun,
    SyncStatus,
    SyncTrigger,
    sync_claim,
)

# The exit status when another sync is live: "try again later" (sysexits' EX_TEMPFAIL).
BUSY = 75


def run_sync(args: argparse.Namespace) -> int:
    kinds = [
        kind
        for kind, chosen in (
            (SyncKind.SESSIONS, args.sessions),
            (SyncKind.CLIENTS, args.clients),
            (SyncKind.PRICE_LISTS, args.price_lists),
            (SyncKind.PREPAID_ORDERS, args.prepaid_orders),
            (SyncKind.REMOVE_EXPIRED, args.remove_expired),
            (SyncKind.DOWNLOAD_ORDERS, args.orders),
        )
        if chosen
    ]
    if args.downloads:
        kinds += [k for k in DOWNLOAD_KINDS if k not in kinds]
    if not kinds:  # nothing chosen: what the desk's synchronizer checks by default
        kinds = [
            SyncKind.SESSIONS,
            SyncKind.CLIENTS,
            SyncKind.PRICE_LISTS,
            SyncKind.PREPAID_ORDERS,
            *DOWNLOAD_KINDS,
        ]
    console = Console(highlight=False)
    try:
        run = sync_claim(kinds=[str(k) for k in kinds], trigger=SyncTrigger.CLI)
    except SyncBusy as busy:
        Console(stderr=True, highlight=False).print(f"Not started: {busy}")
        return BUSY
    console.print("Synchronizing: " + ", ".join(run.kind_labels))
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        bar = progress.add_task("Starting", total=None)

        def show(current: SyncRun) -> None:
            progress.update(
                bar,
                description=current.step or "Working",
                completed=current.done,
                total=current.total or None,
            )

        run = sync_run_execute(run_id=run.pk, on_progress=show)
    console.print(run.log.rstrip())
    return 0 if run.status == SyncStatus.SUCCEEDED else 1
