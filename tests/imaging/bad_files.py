"""Odd, broken and hostile files that exist only for the tests: Adobe RGB and CMYK JPEGs,
16-bit and greyscale TIFFs with camera EXIF, PNGs with alpha or 16 bits, truncated JPEGs,
empty files, files that are not images, a GIF, and a decompression bomb.

Only pyvips and the standard library: each is made on the fly, nothing is checked in.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pyvips

from proofroom.imaging.icc import adobe_rgb_path
from proofroom.imaging.samples import (  # the EXIF writer's pieces, reused for TIFF
    PathLike,
    _ascii,
    _Entry,
    _ifd,
    _long,
    _undefined,
    encode_jpeg,
    make_sample_photo,
)


def make_adobe_rgb_jpeg(
    path: PathLike | None, source: pyvips.Image, *, quality: int = 95, embed_profile: bool = True
) -> bytes:
    """``source`` (sRGB) converted to Adobe RGB (1998); the profile is embedded, or, with
    ``embed_profile=False``, replaced by the camera-style EXIF hint (ColorSpace + R03)."""
    adobe = source.icc_transform(
        adobe_rgb_path(), input_profile="srgb", embedded=False, intent="relative"
    )
    if embed_profile:
        return encode_jpeg(adobe, path, quality=quality)
    return encode_jpeg(
        adobe,
        path,
        quality=quality,
        keep_icc=False,
        exif={"colour_space": "adobe_rgb", "make": "Proofroom"},
    )


def make_cmyk_jpeg(
    path: PathLike | None, source: pyvips.Image, *, quality: int = 95, embed_profile: bool = True
) -> bytes:
    """``source`` (sRGB) separated to CMYK with libvips' built-in CMYK profile."""
    cmyk = source.icc_transform("cmyk", input_profile="srgb", embedded=False, intent="relative")
    return encode_jpeg(cmyk, path, quality=quality, keep_icc=embed_profile)


TiffMode = Literal["rgb8", "rgb16", "grey8", "grey16", "cmyk8"]


def add_tiff_exif(tiff: bytes, exif: Mapping[str, Any]) -> bytes:
    """Add Make/Model and an EXIF IFD (DateTimeOriginal, OffsetTimeOriginal) to a
    little-endian TIFF, the way raw converters write them (libvips writes no TIFF EXIF).

    Keys: make, model, datetime_original, offset_time_original.
    """
    unknown = set(exif) - {"make", "model", "datetime_original", "offset_time_original"}
    if unknown:
        raise ValueError(f"unsupported TIFF EXIF keys: {sorted(unknown)}")
    if tiff[:4] != b"II*\0":
        raise ValueError("only little-endian TIFF is supported")
    (ifd0,) = struct.unpack("<I", tiff[4:8])
    (count,) = struct.unpack("<H", tiff[ifd0 : ifd0 + 2])
    old: list[_Entry] = []
    for i in range(count):
        raw = tiff[ifd0 + 2 + 12 * i : ifd0 + 14 + 12 * i]
        tag, kind, n = struct.unpack("<HHI", raw[:8])
        old.append((tag, kind, n, raw[8:12]))  # 4 bytes: kept inline, offsets stay valid
    (next_ifd,) = struct.unpack("<I", tiff[ifd0 + 2 + 12 * count : ifd0 + 6 + 12 * count])
    sub: list[_Entry] = [_undefined(0x9000, b"0232")]
    if "datetime_original" in exif:
        when = exif["datetime_original"]
        text = when.strftime("%Y:%m:%d %H:%M:%S") if isinstance(when, datetime) else str(when)
        sub.append(_ascii(0x9003, text))
    if "offset_time_original" in exif:
        sub.append(_ascii(0x9011, str(exif["offset_time_original"])))
    new = [e for e in old if e[0] not in (0x010F, 0x0110, 0x8769)]
    if "make" in exif:
        new.append(_ascii(0x010F, str(exif["make"])))
    if "model" in exif:
        new.append(_ascii(0x0110, str(exif["model"])))
    data = tiff + b"\0" * (len(tiff) % 2)
    sub_offset = len(data)
    data += _ifd(sub, sub_offset)
    new.append(_long(0x8769, sub_offset))
    ifd0_offset = len(data)
    block = bytearray(_ifd(new, ifd0_offset))
    entries = len(new)
    block[2 + 12 * entries : 6 + 12 * entries] = struct.pack("<I", next_ifd)
    data += bytes(block)
    return data[:4] + struct.pack("<I", ifd0_offset) + data[8:]


def make_tiff(
    path: PathLike | None,
    source: pyvips.Image,
    *,
    mode: TiffMode = "rgb16",
    compression: str = "deflate",
    exif: Mapping[str, Any] | None = None,
) -> bytes:
    """``source`` (sRGB, 8-bit) saved as TIFF in the given mode (16-bit modes scale x257),
    with optional camera EXIF (see :func:`add_tiff_exif`)."""
    keep = pyvips.enums.ForeignKeep.NONE
    if mode == "rgb8":
        image = source
    elif mode == "rgb16":
        image = (source.cast("ushort") * 257).cast("ushort").copy(interpretation="rgb16")
    elif mode == "grey8":
        image = source.colourspace("b-w")
    elif mode == "grey16":
        image = source.colourspace("grey16")
    elif mode == "cmyk8":
        image = source.icc_transform("cmyk", input_profile="srgb", embedded=False)
        keep = pyvips.enums.ForeignKeep.ICC
    else:
        raise ValueError(f"unknown TIFF mode {mode!r}")
    data: bytes = image.tiffsave_buffer(compression=compression, keep=keep)
    if exif:
        data = add_tiff_exif(data, exif)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def with_alpha_disc(source: pyvips.Image) -> pyvips.Image:
    """``source`` with an alpha channel: an opaque disc, fully transparent corners."""
    w, h = source.width, source.height
    xyz = pyvips.Image.xyz(w, h)
    d = ((xyz[0] - w / 2) ** 2 + (xyz[1] - h / 2) ** 2) ** 0.5
    alpha = (d < min(w, h) * 0.4).ifthenelse(255, 0).cast("uchar")
    return source.bandjoin(alpha).copy(interpretation="srgb")


def make_png(
    path: PathLike | None, source: pyvips.Image, *, alpha: bool = True, bits: Literal[8, 16] = 8
) -> bytes:
    """``source`` as PNG, optionally with a transparent surround and/or 16 bits."""
    image = with_alpha_disc(source) if alpha else source
    if bits == 16:
        image = (image.cast("ushort") * 257).cast("ushort").copy(interpretation="rgb16")
    data: bytes = image.pngsave_buffer(keep=pyvips.enums.ForeignKeep.NONE, compression=1)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def make_truncated_jpeg(
    path: PathLike,
    *,
    width: int = 1600,
    height: int = 1067,
    keep_fraction: float = 0.5,
    seed: int = 1,
) -> Path:
    """A camera-like JPEG cut off at ``keep_fraction`` of its bytes (header intact)."""
    data = make_sample_photo(
        None, width=width, height=height, seed=seed, exif={"make": "Proofroom", "model": "Cutter"}
    )
    target = Path(path)
    target.write_bytes(data[: max(1024, int(len(data) * keep_fraction))])
    return target


def make_empty_file(path: PathLike) -> Path:
    target = Path(path)
    target.write_bytes(b"")
    return target


_NON_IMAGES = {
    "pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n",
    "text": b"Shot list for the Anderson wedding\n- rings\n- first dance\n",
    "html": b"<!DOCTYPE html><html><body><p>Not a photo</p></body></html>\n",
    "zip": b"PK\x03\x04" + b"\0" * 26 + b"PK\x05\x06" + b"\0" * 18,
}


def make_non_image(path: PathLike, kind: Literal["pdf", "text", "html", "zip"] = "pdf") -> Path:
    """A small file that is not an image (a PDF by default)."""
    target = Path(path)
    target.write_bytes(_NON_IMAGES[kind])
    return target


def make_gif(path: PathLike) -> Path:
    """A 1x1 GIF, a real image in a format Proofroom does not accept."""
    target = Path(path)
    target.write_bytes(
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
        b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    return target


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def make_bomb_png(path: PathLike, *, width: int = 30000, height: int = 30000) -> Path:
    """A valid 1-bit PNG of ``width`` x ``height`` white pixels, ~100 KB on disk.

    Decoded it would take width x height x 3 bytes (2.7 GB at 30000²); compressed it is
    tiny.  Rows are streamed through zlib, so making it is quick and needs little memory.
    """
    row_bytes = 1 + math.ceil(width / 8)
    row = b"\0" + b"\xff" * (row_bytes - 1)
    compressor = zlib.compressobj(9)
    batch_rows = max(1, min(height, (4 << 20) // row_bytes))
    batch = row * batch_rows
    parts: list[bytes] = []
    left = height
    while left > 0:
        n = min(batch_rows, left)
        parts.append(compressor.compress(batch if n == batch_rows else row * n))
        left -= n
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )
    target = Path(path)
    target.write_bytes(data)
    return target
