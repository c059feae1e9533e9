"""The gallery's own database. Its transactions must name it: when both sides run in
one process the gallery's database is not Django's default one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.conf import settings
from django.db import transaction

F = TypeVar("F", bound=Callable[..., Any])


@overload
def atomic(func: F) -> F: ...
@overload
def atomic(func: None = None) -> transaction.Atomic: ...
def atomic(func: F | None = None) -> F | transaction.Atomic:
    """``transaction.atomic`` on the gallery's database, as a decorator or a context manager."""
    block = transaction.atomic(using=settings.GALLERY_DB)
    return block if func is None else block(func)


def on_commit(callback: Callable[[], None]) -> None:
    transaction.on_commit(callback, using=settings.GALLERY_DB)
