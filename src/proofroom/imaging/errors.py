"""The one exception the imaging core raises for a photographer's bad file."""

from __future__ import annotations


class ImageRejected(Exception):
    """The file cannot become a photo in Proofroom.

    ``reason`` is one plain sentence meant for the photographer, e.g.
    "The file is empty (0 bytes)." — safe to show as is (it never contains server paths).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason
