"""Synthetic photographs, for the demo, the tests and the bench.

Only pyvips and the standard library are used (this module ships with the app: the demo
makes its sample shoots with it).  A "photo" is a soft landscape or bokeh scene drawn at
1/8 size, enlarged smoothly, plus film-like grain so that the JPEG weighs what a camera
file weighs (6000 x 4000 at quality 90 is about 7-10 MB).  45 MP takes a few seconds.

EXIF, XMP and IPTC blocks are written by hand (see :func:`exif_block`) and spliced into
the JPEG, so the files carry exactly the metadata a test asks for.  The odd and broken
files that exist only for tests (CMYK, 16-bit, truncated, bombs...) live in the tests.
"""

from __future__ import annotations

import math
import random
import struct
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pyvips

PathLike = str | Path

# --------------------------------------------------------------------------- scene

_PALETTES: list[dict[str, Any]] = [
    {  # clear morning
        "sky_top": (52, 102, 178),
        "sky_bottom": (196, 220, 238),
        "sun": (255, 244, 214),
        "hills": [(118, 146, 170), (74, 120, 86), (46, 88, 44), (32, 62, 30)],
        "bokeh": (255, 250, 230),
    },
    {  # golden hour
        "sky_top": (70, 84, 150),
        "sky_bottom": (250, 190, 120),
        "sun": (255, 226, 160),
        "hills": [(150, 112, 120), (110, 78, 70), (74, 54, 40), (44, 32, 26)],
        "bokeh": (255, 214, 140),
    },
    {  # dusk
        "sky_top": (24, 28, 70),
        "sky_bottom": (220, 110, 96),
        "sun": (255, 180, 120),
        "hills": [(86, 62, 96), (60, 44, 70), (38, 30, 48), (20, 16, 28)],
        "bokeh": (255, 170, 120),
    },
    {  # misty green valley
        "sky_top": (120, 150, 170),
        "sky_bottom": (226, 232, 226),
        "sun": (255, 255, 240),
        "hills": [(170, 186, 180), (120, 150, 120), (80, 120, 70), (50, 84, 40)],
        "bokeh": (240, 255, 230),
    },
]


def _soft_step(value: pyvips.Image, width: float) -> pyvips.Image:
    """0 below 0, 1 above ``width``, linear in between (as a float image)."""
    return (value / width).clamp(min=0.0, max=1.0)


def _scene(width: int, height: int, rng: random.Random) -> pyvips.Image:
    """A small float sRGB scene: sky gradient, sun glow, rolling hills, bokeh discs."""
    palette = rng.choice(_PALETTES)
    column = pyvips.Image.xyz(1, height).cast("float")[1]
    v = column / height
    top, bottom = palette["sky_top"], palette["sky_bottom"]
    sky = v * [b - t for t, b in zip(top, bottom, strict=True)] + list(top)
    scene = sky.replicate(width, 1).copy_memory()

    xyz = pyvips.Image.xyz(width, height).cast("float")
    x, y = xyz[0], xyz[1]
    sun_x, sun_y = rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.45) * height
    radius = rng.uniform(0.08, 0.2) * height
    dx, dy = x - sun_x, y - sun_y
    glow = ((dx * dx + dy * dy) / (-(radius**2))).exp()
    scene = (scene + glow * [c * 0.55 for c in palette["sun"]]).copy_memory()

    row = pyvips.Image.xyz(width, 1).cast("float")[0]
    n_hills = rng.randint(2, 4)
    for layer in range(n_hills):
        base = height * (0.45 + 0.45 * layer / n_hills + rng.uniform(-0.04, 0.04))
        profile = row * 0 + base
        for _ in range(3):
            freq = rng.uniform(0.2, 1.2) * 360 / width * rng.choice((1, 2, 3))
            amp = height * rng.uniform(0.02, 0.07) / (1 + layer * 0.3)
            profile = profile + (row * freq + rng.uniform(0, 360)).sin() * amp
        depth = y - profile.copy_memory().replicate(1, height)
        mask = _soft_step(depth, 1.5)
        colour = palette["hills"][min(layer + 4 - n_hills, 3)]
        hill = (1.0 - 0.35 * depth / height) * list(colour)
        scene = (scene * (1 - mask) + hill * mask).copy_memory()

    for _ in range(rng.randint(8, 30)):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height * 0.8)
        r = rng.uniform(0.01, 0.06) * width
        strength = rng.uniform(0.08, 0.35)
        tint = [c * rng.uniform(0.8, 1.0) for c in palette["bokeh"]]
        left, top_ = max(0, int(cx - r - 2)), max(0, int(cy - r - 2))
        right, bottom_ = min(width, int(cx + r + 3)), min(height, int(cy + r + 3))
        if right <= left or bottom_ <= top_:
            continue
        box = pyvips.Image.xyz(right - left, bottom_ - top_).cast("float")
        bx, by = box[0] + (left - cx), box[1] + (top_ - cy)
        d = (bx * bx + by * by) ** 0.5
        disc = _soft_step(r - d, max(1.0, r * 0.08)) * strength
        patch = scene.crop(left, top_, right - left, bottom_ - top_)
        scene = scene.insert(patch * (1 - disc) + disc * tint, left, top_)
    return scene.copy_memory()


def _grain_tile(size: int, sigma: float, seed: int) -> pyvips.Image:
    """A tile of luminance grain with a little mid-frequency texture."""
    fine = pyvips.Image.gaussnoise(size, size, sigma=sigma, mean=0, seed=seed)
    coarse = pyvips.Image.gaussnoise(
        size // 4 + 1, size // 4 + 1, sigma=sigma * 1.6, mean=0, seed=seed + 1
    )
    coarse = coarse.resize(4, kernel="linear").crop(0, 0, size, size)
    return (fine + coarse).copy_memory()


def sample_image(
    width: int = 6000, height: int = 4000, *, seed: int = 0, grain: float = 7.0
) -> pyvips.Image:
    """A synthetic sRGB photograph as a lazy 8-bit pyvips image (no metadata).

    Varied with ``seed`` (palette, sun, hills, bokeh).  ``grain`` is the noise sigma in
    8-bit levels; it sets how much the JPEG weighs.
    """
    if width < 1 or height < 1:
        raise ValueError("width and height must be positive")
    rng = random.Random(seed)
    if width * height >= 4_000_000:
        # Fast path for camera sizes: scene at 1/8, cubic x2, then box x4 + a light blur
        # (about 4x quicker than one cubic x8 and indistinguishable under the grain).
        sw, sh = math.ceil(width / 8), math.ceil(height / 8)
        small = _scene(sw, sh, rng).cast("uchar")
        big = small.resize(2, kernel="cubic").copy_memory().zoom(4, 4).gaussblur(2.0)
    else:
        sw, sh = max(8, math.ceil(width / 4)), max(8, math.ceil(height / 4))
        small = _scene(sw, sh, rng)
        big = small.resize(width / sw, vscale=height / sh, kernel="cubic")
    big = big.crop(0, 0, min(width, big.width), min(height, big.height))
    if big.width != width or big.height != height:
        big = big.embed(0, 0, width, height, extend="copy")
    # Grain is per pixel; small pictures get less so they look like downsized photos.
    grain *= min(1.0, max(0.25, math.sqrt(width * height / 24e6)))
    if grain > 0:
        tile_size = 1021  # prime-ish, so that the repetition is not on a round grid
        tile = _grain_tile(tile_size, grain, seed)
        noise = tile.replicate(math.ceil(width / tile_size), math.ceil(height / tile_size))
        big = big + noise.crop(0, 0, width, height)
    return big.cast("uchar").copy(interpretation="srgb")


# --------------------------------------------------------------------------- metadata

_ASCII, _SHORT, _LONG, _RATIONAL, _UNDEFINED, _BYTE = 2, 3, 4, 5, 7, 1
_Entry = tuple[int, int, int, bytes]


def _ascii(tag: int, text: str) -> _Entry:
    data = text.encode("utf-8") + b"\0"
    return (tag, _ASCII, len(data), data)


def _short(tag: int, value: int) -> _Entry:
    return (tag, _SHORT, 1, struct.pack("<H", value))


def _long(tag: int, value: int) -> _Entry:
    return (tag, _LONG, 1, struct.pack("<I", value))


def _rationals(tag: int, values: Iterable[tuple[int, int]]) -> _Entry:
    items = list(values)
    return (tag, _RATIONAL, len(items), b"".join(struct.pack("<II", n, d) for n, d in items))


def _undefined(tag: int, data: bytes) -> _Entry:
    return (tag, _UNDEFINED, len(data), data)


def _ifd_size(entries: list[_Entry]) -> int:
    extra = sum(len(d) + len(d) % 2 for *_, d in entries if len(d) > 4)
    return 2 + 12 * len(entries) + 4 + extra


def _ifd(entries: list[_Entry], offset: int) -> bytes:
    entries = sorted(entries, key=lambda e: e[0])
    table = struct.pack("<H", len(entries))
    data = b""
    data_offset = offset + 2 + 12 * len(entries) + 4
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            table += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
        else:
            table += struct.pack("<HHII", tag, kind, count, data_offset + len(data))
            data += value + b"\0" * (len(value) % 2)
    return table + struct.pack("<I", 0) + data


def _dms(value: float) -> list[tuple[int, int]]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return [(degrees, 1), (minutes, 1), (round(seconds * 1000), 1000)]


EXIF_KEYS = frozenset(
    {
        "make",
        "model",
        "datetime_original",
        "offset_time_original",
        "orientation",
        "gps",
        "software",
        "artist",
        "copyright",
        "serial_number",
        "maker_note",
        "colour_space",
    }
)


def exif_block(exif: Mapping[str, Any]) -> bytes:
    """EXIF as an APP1 payload (``Exif\\0\\0`` + little-endian TIFF) from friendly keys.

    Keys: make, model, datetime_original (datetime or "YYYY:MM:DD HH:MM:SS"),
    offset_time_original ("+02:00"), orientation (1-8), gps ((lat, lon) or (lat, lon, alt)),
    software, artist, copyright, serial_number, maker_note (bytes),
    colour_space ("srgb" | "adobe_rgb": the DCF "R03" convention of cameras in Adobe RGB).
    """
    unknown = set(exif) - EXIF_KEYS
    if unknown:
        raise ValueError(f"unknown EXIF keys: {sorted(unknown)}")
    ifd0: list[_Entry] = []
    sub: list[_Entry] = [_undefined(0x9000, b"0232")]
    gps: list[_Entry] = []
    interop: list[_Entry] = []
    if "make" in exif:
        ifd0.append(_ascii(0x010F, str(exif["make"])))
    if "model" in exif:
        ifd0.append(_ascii(0x0110, str(exif["model"])))
    if "orientation" in exif:
        orientation = int(exif["orientation"])
        if not 1 <= orientation <= 8:
            raise ValueError("orientation must be 1..8")
        ifd0.append(_short(0x0112, orientation))
    if "software" in exif:
        ifd0.append(_ascii(0x0131, str(exif["software"])))
    if "artist" in exif:
        ifd0.append(_ascii(0x013B, str(exif["artist"])))
    if "copyright" in exif:
        ifd0.append(_ascii(0x8298, str(exif["copyright"])))
    if "datetime_original" in exif:
        when = exif["datetime_original"]
        text = when.strftime("%Y:%m:%d %H:%M:%S") if isinstance(when, datetime) else str(when)
        ifd0.append(_ascii(0x0132, text))
        sub.append(_ascii(0x9003, text))
        sub.append(_ascii(0x9004, text))
    if "offset_time_original" in exif:
        sub.append(_ascii(0x9011, str(exif["offset_time_original"])))
    if "serial_number" in exif:
        sub.append(_ascii(0xA431, str(exif["serial_number"])))
    if "maker_note" in exif:
        sub.append(_undefined(0x927C, bytes(exif["maker_note"])))
    colour_space = exif.get("colour_space")
    if colour_space == "srgb":
        sub.append(_short(0xA001, 1))
    elif colour_space == "adobe_rgb":
        sub.append(_short(0xA001, 0xFFFF))
        interop.append(_ascii(0x0001, "R03"))
    elif colour_space is not None:
        raise ValueError("colour_space must be 'srgb' or 'adobe_rgb'")
    if "gps" in exif:
        lat, lon, *rest = exif["gps"]
        gps.append((0x0000, _BYTE, 4, bytes((2, 3, 0, 0))))
        gps.append(_ascii(0x0001, "N" if lat >= 0 else "S"))
        gps.append(_rationals(0x0002, _dms(lat)))
        gps.append(_ascii(0x0003, "E" if lon >= 0 else "W"))
        gps.append(_rationals(0x0004, _dms(lon)))
        if rest:
            gps.append((0x0005, _BYTE, 1, bytes((0 if rest[0] >= 0 else 1,))))
            gps.append(_rationals(0x0006, [(round(abs(rest[0]) * 100), 100)]))

    # IFD0 points at the EXIF sub-IFD (and GPS); the sub-IFD points at Interop.
    ifd0.append(_long(0x8769, 0))
    if gps:
        ifd0.append(_long(0x8825, 0))
    if interop:
        sub.append(_long(0xA005, 0))
    off_ifd0 = 8
    off_sub = off_ifd0 + _ifd_size(ifd0)
    off_gps = off_sub + _ifd_size(sub)
    off_interop = off_gps + (_ifd_size(gps) if gps else 0)

    def patch(entries: list[_Entry], tag: int, value: int) -> list[_Entry]:
        return [_long(tag, value) if e[0] == tag else e for e in entries]

    ifd0 = patch(patch(ifd0, 0x8769, off_sub), 0x8825, off_gps)
    sub = patch(sub, 0xA005, off_interop)
    tiff = b"II*\0" + struct.pack("<I", off_ifd0) + _ifd(ifd0, off_ifd0) + _ifd(sub, off_sub)
    if gps:
        tiff += _ifd(gps, off_gps)
    if interop:
        tiff += _ifd(interop, off_interop)
    return b"Exif\0\0" + tiff


def xmp_block(
    *, creator: str = "Sample Photographer", gps: tuple[float, float] | None = None
) -> bytes:
    """An XMP packet as an APP1 payload (with the Adobe namespace header)."""
    gps_xml = ""
    if gps is not None:
        gps_xml = (
            f"<exif:GPSLatitude>{abs(gps[0]):.6f}{'N' if gps[0] >= 0 else 'S'}"
            f"</exif:GPSLatitude><exif:GPSLongitude>{abs(gps[1]):.6f}"
            f"{'E' if gps[1] >= 0 else 'W'}</exif:GPSLongitude>"
        )
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/">'
        f"<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>{gps_xml}"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    return b"http://ns.adobe.com/xap/1.0/\0" + packet.encode("utf-8")


def iptc_block(*, byline: str = "Sample Photographer", city: str = "Saint Paul") -> bytes:
    """An IPTC-IIM record inside a Photoshop 8BIM resource, as an APP13 payload."""

    def dataset(number: int, value: bytes) -> bytes:
        return bytes((0x1C, 2, number)) + struct.pack(">H", len(value)) + value

    iim = dataset(0, b"\0\4") + dataset(80, byline.encode()) + dataset(90, city.encode())
    iim += b"\0" * (len(iim) % 2)
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iim)) + iim
    return b"Photoshop 3.0\0" + resource


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise ValueError("metadata block too large for one JPEG segment")
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def insert_jpeg_segments(jpeg: bytes, segments: list[bytes]) -> bytes:
    """Insert ready-made marker segments after SOI and a leading JFIF APP0, if any."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    pos = 2
    if jpeg[2:4] == b"\xff\xe0":
        pos = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:pos] + b"".join(segments) + jpeg[pos:]


def encode_jpeg(
    image: pyvips.Image,
    path: PathLike | None = None,
    *,
    quality: int = 90,
    exif: Mapping[str, Any] | None = None,
    xmp: bool = False,
    iptc: bool = False,
    keep_icc: bool = True,
) -> bytes:
    """Encode ``image`` as JPEG with exactly the requested metadata; write it if ``path``."""
    keep = pyvips.enums.ForeignKeep.ICC if keep_icc else pyvips.enums.ForeignKeep.NONE
    data: bytes = image.jpegsave_buffer(Q=quality, keep=keep)
    segments: list[bytes] = []
    if exif:
        segments.append(_segment(0xE1, exif_block(exif)))
    if xmp:
        gps = exif.get("gps") if exif else None
        segments.append(_segment(0xE1, xmp_block(gps=(gps[0], gps[1]) if gps else None)))
    if iptc:
        segments.append(_segment(0xED, iptc_block()))
    if segments:
        data = insert_jpeg_segments(data, segments)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def make_sample_photo(
    path: PathLike | None = None,
    *,
    width: int = 6000,
    height: int = 4000,
    seed: int = 0,
    exif: Mapping[str, Any] | None = None,
    quality: int = 90,
    xmp: bool = False,
    iptc: bool = False,
    grain: float = 7.0,
) -> bytes:
    """A synthetic camera JPEG (see :func:`sample_image`), written to ``path`` if given.

    ``exif`` takes the keys documented in :func:`exif_block`.  Note the pixels are stored
    as given: an ``orientation`` tag does not transform them (see
    ``tests/imaging/charts.py`` for that).
    """
    image = sample_image(width, height, seed=seed, grain=grain)
    return encode_jpeg(image, path, quality=quality, exif=exif, xmp=xmp, iptc=iptc)
