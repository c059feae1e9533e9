"""The synthetic photos and the hand-built Adobe RGB profile are what they claim to be."""

from __future__ import annotations

import io
import struct
import time
from pathlib import Path

import pytest
import pyvips
from PIL import Image, ImageCms

from proofroom.imaging import icc
from proofroom.imaging.samples import make_sample_photo, sample_image


def test_camera_sized_sample_weighs_like_a_camera_file_and_is_quick() -> None:
    start = time.perf_counter()
    data = make_sample_photo(None, width=6000, height=4000, seed=1, quality=90)
    elapsed = time.perf_counter() - start
    assert 6_000_000 <= len(data) <= 12_000_000
    assert elapsed < 15  # ~1.5 s here; generous for a busy CI machine
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (6000, 4000)


def test_samples_vary_with_the_seed() -> None:
    a = sample_image(300, 200, seed=1).avg()
    b = sample_image(300, 200, seed=2).avg()
    assert a != b
    assert sample_image(300, 200, seed=1).avg() == pytest.approx(a)


def test_exif_written_is_read_back_by_pillow(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    make_sample_photo(
        path,
        width=400,
        height=300,
        exif={
            "make": "Canon",
            "model": "Canon EOS R5",
            "orientation": 3,
            "datetime_original": "2024:06:01 14:02:03",
            "gps": (44.9537, -93.09, 250.0),
        },
    )
    with Image.open(path) as image:
        exif = image.getexif()
        assert exif[0x010F] == "Canon"
        assert exif[0x0112] == 3
        assert exif.get_ifd(0x8769)[0x9003] == "2024:06:01 14:02:03"
        gps = exif.get_ifd(0x8825)
        assert gps[1] == "N" and gps[3] == "W"
        degrees, minutes, seconds = gps[2]
        assert float(degrees) + float(minutes) / 60 + float(seconds) / 3600 == pytest.approx(
            44.9537, abs=1e-5
        )


def test_unknown_exif_keys_are_refused() -> None:
    with pytest.raises(ValueError):
        make_sample_photo(None, width=10, height=10, exif={"lens": "50mm"})


def test_adobe_rgb_profile_has_the_published_colorants() -> None:
    data = icc.adobe_rgb_profile()
    assert data[36:40] == b"acsp"
    assert struct.unpack(">I", data[:4])[0] == len(data)

    def tag(signature: bytes) -> bytes:
        count = struct.unpack(">I", data[128:132])[0]
        for i in range(count):
            sig, offset, size = struct.unpack(">4sII", data[132 + 12 * i : 144 + 12 * i])
            if sig == signature:
                return data[offset : offset + size]
        raise KeyError(signature)

    def xyz(signature: bytes) -> tuple[float, ...]:
        return tuple(v / 65536 for v in struct.unpack(">3i", tag(signature)[8:20]))

    # Adobe RGB (1998) specification, D50-adapted colorants.
    assert xyz(b"rXYZ") == pytest.approx((0.60974, 0.31111, 0.01947), abs=2e-4)
    assert xyz(b"gXYZ") == pytest.approx((0.20528, 0.62567, 0.06087), abs=2e-4)
    assert xyz(b"bXYZ") == pytest.approx((0.14919, 0.06322, 0.74457), abs=2e-4)
    assert struct.unpack(">H", tag(b"rTRC")[12:14])[0] == 563  # gamma 563/256


def test_adobe_rgb_profile_is_understood_by_lcms() -> None:
    """Both colour engines accept it and agree on a known conversion."""
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc.adobe_rgb_profile()))
    assert "Adobe RGB (1998)" in ImageCms.getProfileDescription(profile)
    red = pyvips.Image.black(1, 1).new_from_image([255, 0, 0]).copy(interpretation="srgb")
    in_adobe = red.icc_transform(icc.adobe_rgb_path(), input_profile="srgb", intent="relative")
    r, g, b = in_adobe(0, 0)
    assert (round(r), round(g), round(b)) == pytest.approx((219, 0, 0), abs=1)
    srgb = ImageCms.createProfile("sRGB")
    pil_red = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), (255, 0, 0)),
        srgb,
        profile,
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )
    assert pil_red is not None
    assert pil_red.getpixel((0, 0)) == pytest.approx((219, 0, 0), abs=1)


def test_the_app_ships_sample_photos_and_no_generator_of_broken_files() -> None:
    """Issue 12: the generators of deliberately broken or odd files live in the tests, not
    in the installed app; the app keeps what the demo and the bench use."""
    from proofroom.imaging import samples

    for name in ("make_bomb_png", "make_truncated_jpeg", "make_cmyk_jpeg", "make_tiff"):
        assert not hasattr(samples, name), name
    assert callable(samples.make_sample_photo)
