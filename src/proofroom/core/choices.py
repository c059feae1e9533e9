"""Choices a side's models store that the sync protocol defines: values once, on the wire.

A side's ``TextChoices`` takes each value from the protocol's enum and adds only its own
label; ``mirror`` proves at import that no member is missing or extra, so a value added
to the protocol cannot be forgotten on the side that stores it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models

C = TypeVar("C", bound=type[models.TextChoices])


def mirror(wire: type[enum.StrEnum]) -> Callable[[C], C]:
    """Class decorator: the choices have exactly the wire enum's members, names and values."""

    def check(choices: C) -> C:
        ours = {(member.name, member.value) for member in choices}
        theirs = {(member.name, member.value) for member in wire}
        if ours != theirs:
            raise ImproperlyConfigured(
                f"{choices.__qualname__} must have the members of the protocol's "
                f"{wire.__qualname__}: missing {sorted(theirs - ours)}, "
                f"extra {sorted(ours - theirs)}."
            )
        return choices

    return check
