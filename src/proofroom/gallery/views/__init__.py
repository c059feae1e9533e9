"""The gallery's pages for a studio's clients and guests (see ``base`` for what they share)."""

from proofroom.gallery.views.pages import PER_PAGE

__all__ = ["PER_PAGE"]
