"""Helpers the services of both sides share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

_UNSET = object()


def model_update(
    *, instance: models.Model, fields: Iterable[str], data: Mapping[str, Any]
) -> set[str]:
    """Set ``data`` on ``instance`` (not saved) and return the names whose value changed.

    Only ``fields`` may be set: any other name, such as a misspelt one, is a TypeError, as an
    unknown keyword argument is, never a silent drop (HackSoft's ``model_update``).
    """
    allowed = set(fields)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise TypeError(
            f"{type(instance).__name__} has no field {', '.join(map(repr, unknown))} to set; "
            f"it takes {', '.join(sorted(allowed))}."
        )
    changed: set[str] = set()
    for name, value in data.items():
        try:
            before: Any = getattr(instance, name)
        except ObjectDoesNotExist:  # a relation not set yet on a new record
            before = _UNSET
        if before is _UNSET or before != value:
            changed.add(name)
        setattr(instance, name, value)
    return changed
