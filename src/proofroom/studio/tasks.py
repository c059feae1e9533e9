"""Background tasks of the desk: thin shims over services, enqueued on commit."""

from __future__ import annotations

from django_tasks import task

from proofroom.studio import derivatives


@task(queue_name="images")
def image_derivatives_make(image_id: int) -> str | None:
    status = derivatives.image_derivatives_make(image_id=image_id)
    return None if status is None else str(status)


@task(queue_name="images")
def session_import_folder(session_id: int, folder: str) -> dict[str, object]:
    from pathlib import Path

    from proofroom.studio.imports import files_in_folder, session_import_files
    from proofroom.studio.sessions import Session

    session = Session.objects.get(pk=session_id)
    root = Path(folder)
    summary = session_import_files(
        session=session, files=[(p, str(p.relative_to(root))) for p in files_in_folder(root)]
    )
    return {
        "imported": summary.imported,
        "already_there": summary.already_there,
        "refused": len(summary.refused),
    }


@task(queue_name="images")
def studio_previews_remake() -> int:
    """Queue every image's derivatives again, after the preview size or watermark changed."""
    from proofroom.studio.images import Image

    ids = list(Image.objects.values_list("pk", flat=True))
    for image_id in ids:
        image_derivatives_make.enqueue(image_id)
    return len(ids)


@task(queue_name="sync")
def sync_run(run_id: int) -> str:
    from proofroom.sync.client import sync_run_execute

    return str(sync_run_execute(run_id=run_id).status)


@task(queue_name="sync")
def sync_tick(generation: int) -> str:
    from proofroom.studio.syncs import auto_sync_tick

    run = auto_sync_tick(generation=generation)
    return "stopped" if run is None else str(run.status)
