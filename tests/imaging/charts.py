"""Test cards for the tests: an orientation card (coloured corners, to see which way an
EXIF orientation turns a picture) and a colour chart (saturated and skin-tone patches,
for colour-management checks).  Made from the app's sample photographs."""

from __future__ import annotations

import math

import pyvips

from proofroom.imaging.samples import PathLike, encode_jpeg, sample_image

MARKER_COLOURS = {"red": (230, 20, 20), "green": (20, 200, 40), "blue": (30, 40, 230)}


def orientation_pattern(width: int = 600, height: int = 400) -> pyvips.Image:
    """An upright test card: grey gradient, red block top-left, green top-right, blue
    bottom-left (the bottom-right corner stays grey).  Blocks are 1/4 of the short edge."""
    xyz = pyvips.Image.xyz(width, height)
    grey = (xyz[0] * (60 / width) + xyz[1] * (60 / height) + 100).cast("uchar")
    image = grey.bandjoin([grey, grey]).copy(interpretation="srgb").copy_memory()
    block = max(2, min(width, height) // 4)
    image = image.draw_rect(list(MARKER_COLOURS["red"]), 0, 0, block, block, fill=True)
    image = image.draw_rect(
        list(MARKER_COLOURS["green"]), width - block, 0, block, block, fill=True
    )
    image = image.draw_rect(
        list(MARKER_COLOURS["blue"]), 0, height - block, block, block, fill=True
    )
    return image


def stored_for_orientation(upright: pyvips.Image, orientation: int) -> pyvips.Image:
    """The pixels a camera stores so that EXIF ``orientation`` displays ``upright``."""
    ops = {
        1: lambda im: im,
        2: lambda im: im.fliphor(),
        3: lambda im: im.rot180(),
        4: lambda im: im.flipver(),
        5: lambda im: im.rot90().fliphor(),  # transpose
        6: lambda im: im.rot270(),
        7: lambda im: im.rot90().flipver(),  # transverse
        8: lambda im: im.rot90(),
    }
    if orientation not in ops:
        raise ValueError("orientation must be 1..8")
    return ops[orientation](upright).copy_memory()


def make_oriented_jpeg(
    path: PathLike | None,
    orientation: int,
    *,
    width: int = 600,
    height: int = 400,
    quality: int = 92,
) -> bytes:
    """A JPEG that shows :func:`orientation_pattern` upright once ``orientation`` is applied.

    ``width``/``height`` are the upright (displayed) size."""
    stored = stored_for_orientation(orientation_pattern(width, height), orientation)
    return encode_jpeg(
        stored,
        path,
        quality=quality,
        exif={"orientation": orientation, "make": "Proofroom", "model": "Card"},
    )


COLOUR_PATCHES: tuple[tuple[int, int, int], ...] = (
    (200, 30, 40),
    (40, 160, 60),
    (40, 70, 190),
    (230, 200, 40),
    (200, 60, 170),
    (40, 170, 200),
    (226, 172, 142),
    (150, 100, 70),
    (250, 120, 20),
    (120, 90, 200),
    (20, 20, 20),
    (240, 240, 240),
)


def colour_chart_image(width: int = 900, height: int = 600, *, seed: int = 0) -> pyvips.Image:
    """A sample photo whose lower third is a chart of saturated and skin-tone patches
    (an sRGB source for colour-management checks)."""
    image = sample_image(width, height, seed=seed).copy_memory()
    columns = 6
    rows = math.ceil(len(COLOUR_PATCHES) / columns)
    top = height * 2 // 3
    patch_w, patch_h = width // columns, (height - top) // rows
    for i, colour in enumerate(COLOUR_PATCHES):
        left = (i % columns) * patch_w
        y = top + (i // columns) * patch_h
        image = image.draw_rect(list(colour), left, y, patch_w, patch_h, fill=True)
    return image
