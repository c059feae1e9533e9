"""Image files on the desk: thumbnails, previews and originals, for signed-in staff only."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from proofroom.imaging import MEDIA_TYPES
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.images import ImageFileKind, image_by_uuid


@desk_page(Area.SESSIONS)
@require_GET
def image_file(request: HttpRequest, image_uuid: str, kind: str) -> FileResponse:
    if kind not in ImageFileKind.values:
        raise Http404("No such kind of image file.")
    file_kind = ImageFileKind(kind)
    image = image_by_uuid(image_uuid)
    if image is None:
        raise Http404("No such image.")
    key = getattr(image, file_kind.key_field)
    if not key:
        raise Http404("This image has no such file yet.")
    try:
        handle = default_storage.open(key, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    as_attachment = file_kind == ImageFileKind.ORIGINAL
    # The type is what the import found the file to be: a name like "page.html" must not
    # make a PNG that is also a web page come back as text/html.
    content_type = MEDIA_TYPES.get(image.format, "application/octet-stream")
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=image.file_name,
        content_type=content_type if as_attachment else "image/jpeg",
    )
    if file_kind != ImageFileKind.ORIGINAL:
        response["Content-Disposition"] = "inline"
    # Derivative keys are content hashes: a URL's bytes never change while it exists.
    patch_cache_control(response, private=True, max_age=86400)
    return response
