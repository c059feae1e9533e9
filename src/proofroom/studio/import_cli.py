"""``proofroom import SESSION FOLDER``: import with progress bars and a closing summary.

Previews are made here, on every core, so a photographer's bulk import is done
when the command ends; imports from the desk leave them to the background worker.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.db import connections
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from proofroom.studio import derivatives
from proofroom.studio.images import DerivativeStatus, Image, ImportRejection
from proofroom.studio.imports import Outcome, files_in_folder, folder_check, session_import_files
from proofroom.studio.sessions import session_by_number


def _pool_init() -> None:
    connections.close_all()
    from proofroom.imaging import configure_worker

    configure_worker()


def _make(image_id: int) -> bool:
    return derivatives.image_derivatives_make(image_id=image_id) != DerivativeStatus.FAILED


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def run_import(*, session_number: int, folder: str, workers: int = 0) -> int:
    console = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    session = session_by_number(session_number)
    if session is None:
        err.print(
            f"proofroom: there is no session #{session_number} (use the number the desk shows)"
        )
        return 2
    try:
        root = folder_check(folder)
    except ValueError as exc:
        err.print(f"proofroom: {exc}")
        return 2

    files = files_in_folder(root)
    console.print(f"Session #{session.number} — {session.title}: {len(files)} files in {root}")
    with _progress(console) as progress:
        bar = progress.add_task("Importing", total=len(files))

        def tick(name: str, outcome: Outcome) -> None:
            progress.advance(bar)

        summary = session_import_files(
            session=session,
            files=[(p, str(p.relative_to(root))) for p in files],
            progress=tick,
            enqueue=False,
        )

    pending = dict(
        Image.objects.filter(session=session, status=DerivativeStatus.PENDING).values_list(
            "pk", "file_name"
        )
    )
    unreadable: list[str] = []
    if pending:
        processes = workers or os.cpu_count() or 1
        connections.close_all()
        with (
            _progress(console) as progress,
            ProcessPoolExecutor(
                max_workers=min(processes, len(pending)),
                mp_context=multiprocessing.get_context("fork"),
                initializer=_pool_init,
            ) as pool,
        ):
            bar = progress.add_task("Making previews", total=len(pending))
            futures = {pool.submit(_make, pk): name for pk, name in pending.items()}
            for future in as_completed(futures):
                if not future.result():
                    unreadable.append(futures[future])
                progress.advance(bar)
    reasons = dict(
        ImportRejection.objects.filter(session=session, file_name__in=unreadable).values_list(
            "file_name", "reason"
        )
    )
    summary.imported -= len(unreadable)
    summary.refused += [(name, reasons.get(name, "Could not be read.")) for name in unreadable]

    console.print(
        f"Imported {summary.imported}, already there {summary.already_there}, "
        f"refused {len(summary.refused)}."
    )
    if summary.refused:
        table = Table(
            "File", "Why it was refused", title="Files not imported", title_justify="left"
        )
        for name, reason in summary.refused:
            table.add_row(name, reason)
        console.print(table)
        return 1
    return 0
