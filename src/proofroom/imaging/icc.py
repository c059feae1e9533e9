"""Small ICC profiles built in Python, so that nothing has to be downloaded.

libvips ships built-in ``srgb``, ``cmyk`` and ``p3`` profiles, but no Adobe RGB (1998)
one, and there is none on a stock machine.  Cameras set to "Adobe RGB" often write no
profile at all (only an EXIF hint), and the tests need a real Adobe RGB file, so this
module builds a standard ICC v2 matrix/TRC display profile:

* Adobe RGB (1998) primaries and D65 white, adapted to the D50 PCS with Bradford;
* one gamma curve per channel, 563/256 ≈ 2.2 (the exact value of the specification).

The numbers match the published Adobe RGB (1998) colorants to the precision of ICC
fixed point.  libvips' colour transforms take a file name, so :func:`adobe_rgb_path`
writes the profile once to a per-user cache file and returns its path.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from functools import lru_cache
from pathlib import Path

Matrix = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]
XYZ = tuple[float, float, float]

#: ICC PCS illuminant (D50) as stored in every profile header.
D50: XYZ = (0.9642, 1.0, 0.8249)
#: CIE D65 white as XYZ with Y = 1 (from xy 0.3127, 0.3290).
D65: XYZ = (0.3127 / 0.3290, 1.0, (1 - 0.3127 - 0.3290) / 0.3290)

_BRADFORD: Matrix = (
    (0.8951, 0.2664, -0.1614),
    (-0.7502, 1.7135, 0.0367),
    (0.0389, -0.0685, 1.0296),
)

ADOBE_RGB_PRIMARIES = ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06))
ADOBE_RGB_GAMMA_U8F8 = 563  # 563 / 256 = 2.19921875
ADOBE_RGB_DESCRIPTION = "Adobe RGB (1998) compatible - Proofroom"


def _mat_mul(a: Matrix, b: Matrix) -> Matrix:
    rows = tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )
    return rows  # type: ignore[return-value]


def _mat_vec(a: Matrix, v: XYZ) -> XYZ:
    return (
        a[0][0] * v[0] + a[0][1] * v[1] + a[0][2] * v[2],
        a[1][0] * v[0] + a[1][1] * v[1] + a[1][2] * v[2],
        a[2][0] * v[0] + a[2][1] * v[1] + a[2][2] * v[2],
    )


def _mat_inv(m: Matrix) -> Matrix:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    if abs(det) < 1e-12:
        raise ValueError("singular matrix")
    return (
        ((e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det),
        ((f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det),
        ((d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det),
    )


def _diag(v: XYZ) -> Matrix:
    return ((v[0], 0.0, 0.0), (0.0, v[1], 0.0), (0.0, 0.0, v[2]))


def bradford_adaptation(source_white: XYZ, dest_white: XYZ) -> Matrix:
    """The Bradford chromatic adaptation matrix from one white to another."""
    src = _mat_vec(_BRADFORD, source_white)
    dst = _mat_vec(_BRADFORD, dest_white)
    scale = _diag((dst[0] / src[0], dst[1] / src[1], dst[2] / src[2]))
    return _mat_mul(_mat_inv(_BRADFORD), _mat_mul(scale, _BRADFORD))


def rgb_to_xyz_matrix(
    primaries: tuple[tuple[float, float], tuple[float, float], tuple[float, float]],
    white: XYZ,
) -> Matrix:
    """RGB → XYZ matrix (columns are the primaries' XYZ) for the given white point."""
    cols = [(x / y, 1.0, (1 - x - y) / y) for x, y in primaries]
    m: Matrix = (
        (cols[0][0], cols[1][0], cols[2][0]),
        (cols[0][1], cols[1][1], cols[2][1]),
        (cols[0][2], cols[1][2], cols[2][2]),
    )
    s = _mat_vec(_mat_inv(m), white)
    return (
        (m[0][0] * s[0], m[0][1] * s[1], m[0][2] * s[2]),
        (m[1][0] * s[0], m[1][1] * s[1], m[1][2] * s[2]),
        (m[2][0] * s[0], m[2][1] * s[1], m[2][2] * s[2]),
    )


def _s15f16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(xyz: XYZ) -> bytes:
    return b"XYZ " + b"\0" * 4 + b"".join(_s15f16(v) for v in xyz)


def _gamma_curve_tag(gamma_u8f8: int) -> bytes:
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, gamma_u8f8)


def _text_tag(text: str) -> bytes:
    return b"text" + b"\0" * 4 + text.encode("ascii") + b"\0"


def _desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (
        b"desc"
        + b"\0" * 4
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)  # no Unicode description
        + struct.pack(">HB", 0, 0)  # no ScriptCode description
        + b"\0" * 67
    )


def matrix_trc_profile(
    *,
    primaries: tuple[tuple[float, float], tuple[float, float], tuple[float, float]],
    white: XYZ,
    gamma_u8f8: int,
    description: str,
    copyright_text: str = "No copyright, use freely",
) -> bytes:
    """An ICC v2 RGB display profile (matrix + one gamma per channel) as bytes."""
    colorants = _mat_mul(bradford_adaptation(white, D50), rgb_to_xyz_matrix(primaries, white))
    columns = [(colorants[0][j], colorants[1][j], colorants[2][j]) for j in range(3)]
    curve = _gamma_curve_tag(gamma_u8f8)
    tags: list[tuple[bytes, bytes]] = [
        (b"desc", _desc_tag(description)),
        (b"cprt", _text_tag(copyright_text)),
        (b"wtpt", _xyz_tag(white)),
        (b"rXYZ", _xyz_tag(columns[0])),
        (b"gXYZ", _xyz_tag(columns[1])),
        (b"bXYZ", _xyz_tag(columns[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries = b""
    data = b""
    placed: dict[bytes, int] = {}  # identical tag data is shared, as usual for TRCs
    for signature, body in tags:
        if body in placed:
            entries += signature + struct.pack(">II", placed[body], len(body))
            continue
        while (offset + len(data)) % 4:
            data += b"\0"
        placed[body] = offset + len(data)
        entries += signature + struct.pack(">II", placed[body], len(body))
        data += body
    while len(data) % 4:
        data += b"\0"
    size = 128 + table_size + len(data)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"  # preferred CMM: none
        + bytes((2, 0x10, 0, 0))  # version 2.1
        + b"mntr"
        + b"RGB "
        + b"XYZ "
        + struct.pack(">6H", 2000, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 4  # platform
        + b"\0" * 4  # flags
        + b"\0" * 8  # manufacturer, model
        + b"\0" * 8  # attributes
        + struct.pack(">I", 0)  # perceptual
        + b"".join(_s15f16(v) for v in D50)
        + b"\0" * 4  # creator
        + b"\0" * 16  # profile ID (reserved in v2)
        + b"\0" * 28
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + entries + data


@lru_cache(maxsize=1)
def adobe_rgb_profile() -> bytes:
    """An ICC v2 profile with the Adobe RGB (1998) primaries, white and gamma."""
    return matrix_trc_profile(
        primaries=ADOBE_RGB_PRIMARIES,
        white=D65,
        gamma_u8f8=ADOBE_RGB_GAMMA_U8F8,
        description=ADOBE_RGB_DESCRIPTION,
    )


def write_profile(data: bytes, directory: Path | None = None) -> Path:
    """Write a profile once into a cache folder (named by content) and return its path."""
    folder = directory or Path(tempfile.gettempdir()) / f"proofroom-icc-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.icc"
    if not path.exists() or path.read_bytes() != data:
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".icc.tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    return path


_adobe_path: Path | None = None


def adobe_rgb_path() -> str:
    """File path of the Adobe RGB (1998) compatible profile, for libvips' ``*_profile``."""
    global _adobe_path
    if _adobe_path is None or not _adobe_path.exists():
        _adobe_path = write_profile(adobe_rgb_profile())
    return str(_adobe_path)
