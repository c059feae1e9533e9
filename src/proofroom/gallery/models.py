"""The gallery's records. Each domain's models live in its module; this collects them."""

from proofroom.gallery.tenants import Studio
from proofroom.gallery.visits import GallerySession

__all__ = ["GallerySession", "Studio"]
