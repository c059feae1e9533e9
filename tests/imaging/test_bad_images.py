"""Bad uploads are refused with one clear sentence, and bombs before any decoding."""

from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from proofroom.imaging import MAX_PIXELS, ImageRejected, inspect_original, make_derivatives
from proofroom.imaging.formats import sniff
from proofroom.imaging.samples import make_sample_photo, sample_image
from tests.imaging.bad_files import (
    make_bomb_png,
    make_empty_file,
    make_gif,
    make_non_image,
    make_png,
    make_truncated_jpeg,
)

BOMB_REASON = (
    "Too many pixels: 30000 \u00d7 30000 = 900 MP exceeds the 250 MP limit "
    "(possible decompression bomb)."
)


def _refused(path: Path) -> str:
    """Both entry points refuse the file with the same reason; return it."""
    with pytest.raises(ImageRejected) as first:
        inspect_original(path)
    with pytest.raises(ImageRejected) as second:
        make_derivatives(path)
    assert first.value.reason == second.value.reason
    assert str(first.value) == first.value.reason
    assert str(path.parent) not in first.value.reason  # never leaks server paths
    return first.value.reason


def test_zero_byte_file(tmp_path: Path) -> None:
    assert _refused(make_empty_file(tmp_path / "empty.jpg")) == "The file is empty (0 bytes)."


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("pdf", "Not an image file (looks like a PDF document)."),
        ("text", "Not an image file (looks like a text file)."),
        ("html", "Not an image file (looks like a web page)."),
        ("zip", "Not an image file (looks like a ZIP archive or an Office document)."),
    ],
)
def test_non_image_files(tmp_path: Path, kind: str, reason: str) -> None:
    path = make_non_image(tmp_path / "photo.jpg", kind)  # type: ignore[arg-type]
    assert _refused(path) == reason


def test_unsupported_image_format(tmp_path: Path) -> None:
    assert _refused(make_gif(tmp_path / "anim.gif")) == (
        "Unsupported format: GIF. Use JPEG, PNG or TIFF."
    )


def test_unknown_binary_content(tmp_path: Path) -> None:
    path = tmp_path / "noise.jpg"
    path.write_bytes(random.Random(3).randbytes(5000))
    assert _refused(path) == (
        "Not a supported image file: the content is not a JPEG, PNG or TIFF image."
    )


def test_truncated_jpeg_passes_the_header_check_but_not_decoding(tmp_path: Path) -> None:
    path = make_truncated_jpeg(tmp_path / "cut.jpg", keep_fraction=0.5)
    info = inspect_original(path)  # the header is intact
    assert (info.width, info.height) == (1600, 1067)
    with pytest.raises(ImageRejected) as refused:
        make_derivatives(path)
    assert refused.value.reason == (
        "The JPEG is truncated or corrupt: premature end of JPEG image."
    )


def test_jpeg_cut_inside_its_header(tmp_path: Path) -> None:
    data = make_sample_photo(None, width=400, height=300)
    path = tmp_path / "stub.jpg"
    path.write_bytes(data[:200])
    assert _refused(path).startswith("The JPEG is truncated or corrupt: ")


def test_jpeg_with_garbled_data_is_refused_rather_than_shown_grey(tmp_path: Path) -> None:
    data = bytearray(make_sample_photo(None, width=1600, height=1067, seed=3))
    noise = random.Random(1)
    middle = len(data) // 2
    for i in range(middle, middle + 3000):
        data[i] = noise.randrange(256)
    path = tmp_path / "garbled.jpg"
    path.write_bytes(bytes(data))
    inspect_original(path)
    with pytest.raises(ImageRejected) as refused:
        make_derivatives(path)
    assert refused.value.reason.startswith("The JPEG is truncated or corrupt: ")


def test_harmless_jpeg_warning_is_tolerated(tmp_path: Path) -> None:
    """'N extraneous bytes before marker' is common from some cameras and apps."""
    data = make_sample_photo(None, width=800, height=600, seed=1)
    at = data.index(b"\xff\xda")
    path = tmp_path / "sloppy.jpg"
    path.write_bytes(data[:at] + b"\0\1\2" + data[at:])
    out = make_derivatives(path)
    assert (out.preview_width, out.preview_height) == (800, 600)


def test_truncated_png(tmp_path: Path) -> None:
    data = make_png(None, sample_image(400, 300), alpha=True)
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    inspect_original(path)
    with pytest.raises(ImageRejected) as refused:
        make_derivatives(path)
    assert refused.value.reason.startswith("The PNG is truncated or corrupt: ")


def test_missing_file_is_an_os_error_not_a_rejection(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        inspect_original(tmp_path / "gone.jpg")


def test_decompression_bomb_is_refused_from_the_header(tmp_path: Path) -> None:
    path = make_bomb_png(tmp_path / "bomb.png")
    assert path.stat().st_size < 200_000  # 900 MP in a small file
    start = time.perf_counter()
    assert _refused(path) == BOMB_REASON
    assert time.perf_counter() - start < 1.0


def test_pixel_limit_is_a_parameter(tmp_path: Path) -> None:
    assert MAX_PIXELS == 250_000_000
    path = tmp_path / "photo.jpg"
    make_sample_photo(path, width=2000, height=1000)
    with pytest.raises(ImageRejected) as refused:
        inspect_original(path, max_pixels=1_000_000)
    assert refused.value.reason == (
        "Too many pixels: 2000 \u00d7 1000 = 2 MP exceeds the 1 MP limit "
        "(possible decompression bomb)."
    )
    with pytest.raises(ImageRejected):
        make_derivatives(path, max_pixels=1_000_000)
    assert inspect_original(path, max_pixels=2_000_000).width == 2000


MEMORY_PROBE = """
import json, sys
from proofroom.imaging import ImageRejected, configure_worker, inspect_original, make_derivatives

def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))

configure_worker()
before = peak_kb()
reasons = []
for call in (inspect_original, make_derivatives):
    try:
        call(sys.argv[1])
    except ImageRejected as error:
        reasons.append(error.reason)
print(json.dumps({"grew_kb": peak_kb() - before, "reasons": reasons}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_decompression_bomb_never_gets_decoded(tmp_path: Path) -> None:
    """In a fresh process the peak memory barely moves (decoding would need 900 MB+)."""
    path = make_bomb_png(tmp_path / "bomb.png")
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    probe = json.loads(result.stdout)
    assert probe["reasons"] == [BOMB_REASON, BOMB_REASON]
    assert probe["grew_kb"] < 20_000


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"RIFF\0\0\0\0WEBPVP8 ", "Unsupported format: WebP. Use JPEG, PNG or TIFF."),
        (
            b"\0\0\0\x18ftypheic\0\0\0\0",
            "Unsupported format: HEIC/HEIF. Set the camera or "
            "phone to JPEG, or export a JPEG. Use JPEG, PNG or TIFF.",
        ),
        (b"\0\0\0\x1cftypavif", "Unsupported format: AVIF. Use JPEG, PNG or TIFF."),
        (b"\0\0\0\x18ftypisom\0\0\0\0", "Not an image file (looks like a video)."),
        (b"BM6\0\0\0\0\0\0\0", "Unsupported format: BMP. Use JPEG, PNG or TIFF."),
        (b"8BPS\0\1", "Unsupported format: Photoshop document (PSD). Use JPEG, PNG or TIFF."),
        (
            b"II*\0\x10\0\0\0CR\2\0",
            "Unsupported format: Canon raw (CR2). Export a JPEG or "
            "TIFF first. Use JPEG, PNG or TIFF.",
        ),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "Unsupported format: SVG. Use JPEG, PNG or TIFF.",
        ),
        ("Liste des photos é\n".encode(), "Not an image file (looks like a text file)."),
    ],
)
def test_other_formats_are_named(head: bytes, reason: str) -> None:
    with pytest.raises(ImageRejected) as refused:
        sniff(head)
    assert refused.value.reason == reason


def test_dng_is_recognised_from_its_first_directory() -> None:
    ifd = struct.pack("<H", 1) + struct.pack("<HHI4s", 0xC612, 1, 4, b"\1\4\0\0")
    head = b"II*\0" + struct.pack("<I", 8) + ifd + b"\0\0\0\0"
    with pytest.raises(ImageRejected, match="DNG raw"):
        sniff(head)
    plain = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 0) + b"\0\0\0\0"
    assert sniff(plain) == "tiff"
