"""Pixel helpers for the imaging tests: decoding with Pillow (independent of libvips),
colour difference (CIE76 ΔE in numpy) and JPEG marker listing."""

from __future__ import annotations

import io
import struct

import numpy as np
import pyvips
from numpy.typing import NDArray
from PIL import Image

Array = NDArray[np.float64]


def decode(data: bytes) -> Array:
    """JPEG/PNG bytes -> float RGB array (H, W, 3), decoded by Pillow."""
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float64)


def vips_to_array(image: pyvips.Image) -> Array:
    """An 8-bit sRGB pyvips image -> float RGB array (H, W, 3)."""
    image = image.cast("uchar")
    raw = image.write_to_memory()
    array = np.frombuffer(raw, dtype=np.uint8).reshape(image.height, image.width, image.bands)
    return array[:, :, :3].astype(np.float64)


def resized(image: pyvips.Image, width: int, height: int) -> Array:
    """The sRGB source resized (Lanczos) to match a derivative, as an array."""
    out = image.resize(width / image.width, vscale=height / image.height)
    return vips_to_array(out.crop(0, 0, width, height))


def srgb_to_lab(rgb: Array) -> Array:
    """sRGB (0..255) -> CIE L*a*b* (D65), the textbook formulas."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = linear @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def mean_delta_e(a: Array, b: Array) -> float:
    """Mean CIE76 ΔE between two sRGB arrays of the same shape."""
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.linalg.norm(srgb_to_lab(a) - srgb_to_lab(b), axis=-1).mean())


def region_mean(array: Array, fx: float, fy: float, size: float = 0.06) -> Array:
    """Mean colour of a small square around the fractional position (fx, fy)."""
    h, w = array.shape[:2]
    half = max(1, int(min(w, h) * size / 2))
    cx, cy = int(fx * w), int(fy * h)
    return (
        array[max(0, cy - half) : cy + half, max(0, cx - half) : cx + half].reshape(-1, 3).mean(0)
    )


def jpeg_markers(data: bytes) -> list[int]:
    """Marker codes of a JPEG up to and including SOS (0xDA)."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"lost sync at {pos}"
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers
