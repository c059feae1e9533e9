"""Issue 13, attacker's pass: hostile uploads.

At the desk's import (a browser upload and a folder on the machine): an SVG, HTML named
.png, a PNG that is also an HTML page, a decompression bomb, ``../`` in a name, NUL and
right-to-left-override characters. Each is refused with a clear reason or stored safely
(inside its folder, never served as HTML, its name shown escaped), and the good files of
the same import are all kept. On the gallery, the sync API's blob upload refuses an HTML
body, and a derivative is only ever served as image/jpeg with nosniff.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import pyvips
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from proofroom.gallery.events import OnlineImage
from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.images import Image, ImportRejection
from proofroom.studio.imports import session_import_files
from proofroom.studio.sessions import Session
from tests.imaging.bad_files import make_bomb_png
from tests.security.cast import build_cast

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)
RLO = "\u202e"


def polyglot_png() -> bytes:
    """A real 16 by 16 PNG that a browser sniffing for HTML would also run as a page."""
    png = pyvips.Image.black(16, 16, bands=3).pngsave_buffer()
    return bytes(png) + HTML


def upload(desk: Client, session: Session, files: dict[str, bytes]) -> dict[str, object]:
    answer = desk.post(
        f"/desk/sessions/{session.number}/import/",
        {"files": [SimpleUploadedFile(name, data) for name, data in files.items()]},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.content[:300]
    result: dict[str, object] = answer.json()
    return result


def test_hostile_browser_uploads_are_refused_or_kept_safely_and_good_ones_all_kept(
    desk: Client, session: Session, tmp_path: Path, settings: Any
) -> None:
    """Issue 13 (attacker): an upload batch mixing hostile files with good photographs."""
    good = [make_sample_photo(width=64, height=48, seed=n) for n in range(3)]
    bomb = make_bomb_png(tmp_path / "bomb.png").read_bytes()
    result = upload(
        desk,
        session,
        {
            "logo.svg": SVG,
            "page.png": HTML,
            "bomb.png": bomb,
            "IMG_0001.jpg": good[0],
            "../../../../escaped.jpg": good[1],
            f"IMG_{RLO}gpj.exe": good[2],
        },
    )
    refused = {r["name"]: r["reason"] for r in result["refused"]}  # type: ignore[attr-defined]
    assert refused == {
        "logo.svg": "Unsupported format: SVG. Use JPEG, PNG or TIFF.",
        "page.png": "Not an image file (looks like a web page).",
        "bomb.png": (
            "Too many pixels: 30000 \u00d7 30000 = 900 MP exceeds the 250 MP limit "
            "(possible decompression bomb)."
        ),
    }, refused
    assert result["imported"] == 3
    names = set(Image.objects.filter(session=session).values_list("file_name", flat=True))
    assert names == {"IMG_0001.jpg", "escaped.jpg", "IMG_gpj.exe"}
    media = Path(settings.MEDIA_ROOT).resolve()
    for image in Image.objects.filter(session=session):
        assert (media / image.original_key).resolve().is_relative_to(media)
    assert not list(tmp_path.parent.rglob("escaped.jpg"))
    assert ImportRejection.objects.filter(session=session).count() == 3
    page = desk.get(f"/desk/sessions/{session.number}/import/").content.decode()
    assert "Unsupported format: SVG" in page and "decompression bomb" in page


def test_names_with_nul_and_right_to_left_override_are_shown_plainly(
    session: Session, tmp_path: Path
) -> None:
    """A name with NUL or U+202E (which makes "IMG_‮gpj.exe" read as "IMG_exe.jpg") is kept
    without them; the photograph is imported."""
    photo = tmp_path / "card" / "one.jpg"
    photo.parent.mkdir()
    make_sample_photo(photo, width=64, height=48, seed=7)
    summary = session_import_files(
        session=session, files=[(photo, f"a\x00b{RLO}gpj.exe\u2066.jpg")], enqueue=False
    )
    assert summary.imported == 1 and not summary.refused
    assert Image.objects.get(session=session).file_name == "abgpj.exe.jpg"


def test_a_polyglot_png_is_kept_as_an_image_and_never_served_as_html(
    desk: Client, session: Session
) -> None:
    """Issue 13 (attacker): a valid PNG that is also an HTML page, named page.html, is a
    photograph like any other, and its original downloads as image/png, an attachment,
    with nosniff, never as text/html."""
    result = upload(desk, session, {"page.html": polyglot_png()})
    assert result["imported"] == 1, result
    image = Image.objects.get(session=session)
    assert image.original_key.endswith(".png")
    answer = desk.get(f"/desk/images/{image.uuid}/original/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/png"
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["X-Content-Type-Options"] == "nosniff"


# --------------------------------------------------------------------------- the gallery


def test_the_sync_api_refuses_an_html_blob_and_serves_derivatives_as_jpeg_only() -> None:
    """Issue 13 (attacker): an HTML body put as a derivative is refused; a JPEG with HTML
    after it is stored (it is content-addressed) but served as image/jpeg with nosniff."""
    cast = build_cast()
    api = Client()
    key = {"Authorization": f"Bearer {cast.key}"}
    sha = hashlib.sha256(HTML).hexdigest()
    refused = api.put(
        f"/api/sync/v1/blobs/{sha}", HTML, content_type="application/octet-stream", headers=key
    )
    assert refused.status_code == 400
    assert refused.json() == {"detail": "A derivative must be a JPEG."}
    sneaky = make_sample_photo(width=32, height=32, seed=5, quality=70) + HTML
    sha = hashlib.sha256(sneaky).hexdigest()
    stored = api.put(f"/api/sync/v1/blobs/{sha}", sneaky, content_type="text/html", headers=key)
    assert stored.status_code == 201
    image = cast.shop.images[0]
    OnlineImage.objects.filter(session=cast.shop.session, uuid=image.uuid).update(
        thumbnail=sha, file_name="page.html"
    )
    answer = cast.client_for("ada").get(f"/s/northlight/i/{image.uuid}/thumb/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert b"".join(answer.streaming_content) == sneaky  # type: ignore[attr-defined]
