"""Time zones by name, the one way both sides turn a zone name into dates and times.

A studio's zone is a preference typed on the desk and carried to the gallery over the
sync; a name this machine's zone database does not know counts as UTC rather than
failing the page that shows it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.dateformat import format as date_format


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_in(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The moment on the wall clocks of the zone (a naive moment is taken as UTC)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment.astimezone(zone)


def today_in(zone: dt.tzinfo) -> dt.date:
    return timezone.now().astimezone(zone).date()


def date_display(day: dt.date) -> str:
    """A date as pages and mails write it out: 3 December 2026."""
    return date_format(day, "j F Y")
