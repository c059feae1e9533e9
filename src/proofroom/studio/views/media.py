"""Image files on the desk: thumbnails, previews and originals, for signed-in staff only."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from proofroom.imaging import MEDIA_TYPES
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.images import Image

KINDS = {"thumb": "thumbnail_key", "preview": "preview_key", "original": "original_key"}


@desk_page(Area.SESSIONS)
@require_GET
def image_file(request: HttpRequest, image_uuid: str, kind: str) -> FileResponse:
    if kind not in KINDS:
        raise Http404("No such kind of image file.")
    image = get_object_or_404(Image, uuid=image_uuid)
    key = getattr(image, KINDS[kind])
    if not key:
        raise Http404("This image has no such file yet.")
    try:
        handle = default_storage.open(key, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    as_attachment = kind == "original"
    # The type is what the import found the file to be: a name like "page.html" must not
    # make a PNG that is also a web page come back as text/html.
    content_type = MEDIA_TYPES.get(image.format, "application/octet-stream")
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=image.file_name,
        content_type=content_type if as_attachment else "image/jpeg",
    )
    if kind != "original":
        response["Content-Disposition"] = "inline"
    # Derivative keys are content hashes: a URL's bytes never change while it exists.
    patch_cache_control(response, private=True, max_age=86400)
    return response
