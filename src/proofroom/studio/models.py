"""The studio's own records. Each domain's models live in its module; this collects them."""

from proofroom.studio.studios import Studio

__all__ = ["Studio"]
