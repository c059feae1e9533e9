"""Proofroom's image-processing core: checking originals and making web derivatives.

Runtime dependencies: pyvips (+ pyvips-binary) and the standard library only.

Typical use in a background task::

    from proofroom import imaging

    imaging.configure_worker()               # once per worker process
    info = imaging.inspect_original(path)    # header only; raises ImageRejected
    digest = imaging.sha256_file(path)
    out = imaging.make_derivatives(path, watermark=imaging.Watermark(text="Northlight"))
    # out.preview / out.thumbnail are JPEG bytes; ImageRejected.reason is for the user
"""

from .derivatives import Derivatives, configure_worker, make_derivatives
from .errors import ImageRejected
from .formats import MAX_PIXELS, MEDIA_TYPES
from .originals import OriginalInfo, inspect_original, sha256_file
from .watermark import Watermark

__all__ = [
    "MAX_PIXELS",
    "MEDIA_TYPES",
    "Derivatives",
    "ImageRejected",
    "OriginalInfo",
    "Watermark",
    "configure_worker",
    "inspect_original",
    "make_derivatives",
    "sha256_file",
]
