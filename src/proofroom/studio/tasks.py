"""Background tasks of the desk's images: thin shims over services, enqueued on commit.

A task that belongs to one domain's work lives in that domain's module (a folder import in
``imports``, a sync in ``synchronizer.runner``); this module imports none of them.
"""

from __future__ import annotations

from django_tasks import task

from proofroom.studio import derivatives


@task(queue_name="images")
def image_derivatives_make(image_id: int) -> str | None:
    status = derivatives.image_derivatives_make(image_id=image_id)
    return None if status is None else str(status)


@task(queue_name="images")
def studio_previews_remake() -> int:
    """Queue every image's derivatives again, after the preview size or watermark changed."""
    from proofroom.studio.images import Image

    ids = list(Image.objects.values_list("pk", flat=True))
    for image_id in ids:
        image_derivatives_make.enqueue(image_id)
    return len(ids)
