"""What an uploaded original is, read from its header only, and its checksum."""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pyvips

from .formats import MAX_PIXELS, Format, PathLike, open_header


@dataclass(frozen=True)
class OriginalInfo:
    """Header facts about an accepted original.

    ``width`` and ``height`` are as displayed, i.e. after the EXIF ``orientation`` (1-8;
    5-8 swap the stored dimensions).  ``taken_at`` comes from EXIF DateTimeOriginal: naive
    (camera local time) unless the file also has OffsetTimeOriginal.
    """

    format: Format
    width: int
    height: int
    orientation: int
    size_bytes: int
    taken_at: datetime | None
    camera: str | None

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1e6


# libvips renders EXIF fields as "value (value, Type, N components, M bytes)".
_EXIF_VALUE = re.compile(r"^(.*) \(.*, [A-Za-z ]+, \d+ components?, \d+ bytes?\)$", re.DOTALL)


def exif_string(image: pyvips.Image, field: str) -> str | None:
    """The value part of a libvips ``exif-ifdN-Tag`` string field, or None."""
    if image.get_typeof(field) == 0:
        return None
    try:
        raw = image.get(field)
    except pyvips.Error:
        return None
    if not isinstance(raw, str):
        return None
    match = _EXIF_VALUE.match(raw)
    value = (match.group(1) if match else raw).strip().strip("\0").strip()
    return value or None


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    match = re.fullmatch(r"([+-])(\d\d):(\d\d)", text.strip())
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    if delta > timedelta(hours=14):
        return None
    return timezone(sign * delta)


@dataclass(frozen=True)
class CameraTags:
    """The few EXIF values Proofroom keeps about an original (as text)."""

    make: str | None = None
    model: str | None = None
    datetime_original: str | None = None
    offset_time_original: str | None = None


def tags_from_vips(image: pyvips.Image) -> CameraTags:
    return CameraTags(
        make=exif_string(image, "exif-ifd0-Make"),
        model=exif_string(image, "exif-ifd0-Model"),
        datetime_original=exif_string(image, "exif-ifd2-DateTimeOriginal"),
        offset_time_original=exif_string(image, "exif-ifd2-OffsetTimeOriginal"),
    )


_TIFF_ASCII, _TIFF_LONG, _TIFF_IFD = 2, 4, 13


def tags_from_tiff(path: PathLike) -> CameraTags:
    """Make/Model (IFD0) and DateTimeOriginal (EXIF IFD) of a TIFF, read by seeking.

    libvips does not expose TIFF EXIF.  Reads a few hundred bytes at most; anything
    malformed just gives empty tags.
    """
    found: dict[int, str] = {}
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            order = "<" if head[:2] == b"II" else ">"

            def entries(offset: int) -> list[tuple[int, int, int, bytes]]:
                handle.seek(offset)
                (count,) = struct.unpack(order + "H", handle.read(2))
                raw = handle.read(12 * min(count, 1000))
                return [
                    (*struct.unpack(order + "HHI", raw[i : i + 8]), raw[i + 8 : i + 12])
                    for i in range(0, len(raw) - 11, 12)
                ]

            def ascii_value(kind: int, count: int, value: bytes) -> str | None:
                if kind != _TIFF_ASCII or count == 0:
                    return None
                if count > 4:
                    handle.seek(struct.unpack(order + "I", value)[0])
                    value = handle.read(min(count, 256))
                text = value[:count].split(b"\0")[0].decode("utf-8", "replace").strip()
                return text or None

            exif_offset = 0
            for tag, kind, count, value in entries(struct.unpack(order + "I", head[4:8])[0]):
                if tag in (0x010F, 0x0110):
                    text = ascii_value(kind, count, value)
                    if text:
                        found[tag] = text
                elif tag == 0x8769 and kind in (_TIFF_LONG, _TIFF_IFD):
                    exif_offset = struct.unpack(order + "I", value)[0]
            if exif_offset:
                for tag, kind, count, value in entries(exif_offset):
                    if tag in (0x9003, 0x9011):
                        text = ascii_value(kind, count, value)
                        if text:
                            found[tag] = text
    except (OSError, struct.error, ValueError):
        return CameraTags()
    return CameraTags(
        make=found.get(0x010F),
        model=found.get(0x0110),
        datetime_original=found.get(0x9003),
        offset_time_original=found.get(0x9011),
    )


def taken_at(tags: CameraTags) -> datetime | None:
    text = tags.datetime_original
    if not text:
        return None
    try:
        when = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other placeholders
    zone = _offset(tags.offset_time_original)
    return when.replace(tzinfo=zone) if zone else when


def camera(tags: CameraTags) -> str | None:
    make, model = tags.make, tags.model
    if make and model:
        # "Canon" + "Canon EOS R5" -> "Canon EOS R5"; "NIKON CORPORATION" + "NIKON Z 9"
        # -> "NIKON Z 9"; "FUJIFILM" + "X-T5" -> "FUJIFILM X-T5".
        brand = make.split()[0].lower()
        if model.lower().startswith(brand):
            return model
        return f"{make} {model}"
    return model or make


def orientation(image: pyvips.Image) -> int:
    if image.get_typeof("orientation") == 0:
        return 1
    value = image.get("orientation")
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def inspect_original(path: PathLike, *, max_pixels: int = MAX_PIXELS) -> OriginalInfo:
    """Check an upload and describe it, reading headers only (no pixel is decoded).

    Raises :class:`~proofroom.imaging.ImageRejected` for an empty, non-image,
    unsupported, unreadable or too large (decompression bomb) file.  A JPEG whose
    header is fine but whose data is truncated passes here and is rejected by
    :func:`~proofroom.imaging.make_derivatives`.
    """
    fmt, size, image = open_header(path, max_pixels=max_pixels)
    tags = tags_from_vips(image)
    if fmt == "tiff" and tags == CameraTags():
        tags = tags_from_tiff(path)
    turn = orientation(image)
    width, height = image.width, image.height
    if turn >= 5:
        width, height = height, width
    return OriginalInfo(
        format=fmt,
        width=width,
        height=height,
        orientation=turn,
        size_bytes=size,
        taken_at=taken_at(tags),
        camera=camera(tags),
    )


def sha256_file(path: PathLike, *, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
