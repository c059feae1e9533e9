"""Attempt counters that decide atomically, for the throttles of both sides.

A throttle that first counts failures and records one only after the password check lets
every request that arrives during that check through: forty at once all see "four so
far". Here an attempt takes its place in each counter before anything is checked, with a
conditional ``UPDATE … SET count = count + 1 WHERE count < limit``: the database lets
exactly ``limit`` of any number of concurrent updates match (on PostgreSQL a second
update waits for the first and re-reads the row), so no more than ``limit`` attempts
reach the check. An attempt that succeeds gives its place back.

A counter counts for ``window`` from its first attempt, then starts again. Each side keeps
its counters in a model of its own with the fields ``count`` and ``started_at`` and a
unique constraint over the fields that name a counter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models, router, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone


class ThrottleScope(models.TextChoices):
    """What an attempt counter counts; each side keys its limits by these."""

    USER = "user", "A desk user name, from anywhere"
    ADDRESS = "address", "One address, whatever the user name"
    PAIR = "pair", "One gallery user name from one address"
    ACCOUNT = "account", "One gallery user name, from anywhere"
    DEVICE = "device", "One user name from a browser that signed in to it before"
    CURRENT = "current", "The current password asked of a signed-in account"
    CODE = "code", "Event codes from one address"
    SIGNUP = "signup", "Guest sign-ups from one address"


class _Refused(Exception):
    pass


def _ordered(counters: Sequence[tuple[Mapping[str, Any], int]]) -> list[tuple[dict[str, Any], int]]:
    # One order for every caller, so two attempts never wait on each other's rows crosswise.
    return sorted(
        ((dict(where), limit) for where, limit in counters),
        key=lambda item: sorted((k, str(v)) for k, v in item[0].items()),
    )


def counters_take(
    model: type[models.Model],
    counters: Sequence[tuple[Mapping[str, Any], int]],
    *,
    window: dt.timedelta,
) -> bool:
    """Take one attempt in each counter (its identifying fields, its limit); all or none.

    False when any counter is at its limit: then none is counted, and nothing may be tried.
    """
    if not counters:
        return True
    now = timezone.now()
    manager = model._default_manager
    manager.bulk_create(
        [model(**where, count=0, started_at=now) for where, _ in counters],
        ignore_conflicts=True,
    )
    lapsed = Q(started_at__lt=now - window)
    try:
        with transaction.atomic(using=router.db_for_write(model)):
            for where, limit in _ordered(counters):
                taken = (
                    manager.filter(**where)
                    .filter(lapsed | Q(count__lt=limit))
                    .update(
                        count=Case(When(lapsed, then=Value(1)), default=F("count") + 1),
                        started_at=Case(When(lapsed, then=Value(now)), default=F("started_at")),
                    )
                )
                if not taken:
                    raise _Refused
    except _Refused:
        return False
    return True


def counters_give_back(model: type[models.Model], wheres: Sequence[Mapping[str, Any]]) -> None:
    """Return the attempt taken in each of these counters (it turned out not to be a failure)."""
    manager = model._default_manager
    for where in wheres:
        manager.filter(**where).update(count=Greatest(F("count") - 1, Value(0)))


def counters_prune(model: type[models.Model], *, window: dt.timedelta) -> None:
    """Forget counters whose window ended long ago."""
    model._default_manager.filter(started_at__lt=timezone.now() - 4 * window).delete()
