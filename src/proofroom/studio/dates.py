"""The studio's dates: its time zone, and today and now as they are there.

Expire dates, invoice dates and the days payments are received and deposited are dates
in the studio's zone; the desk shows every time there (its requests run in that zone:
``proofroom.studio.context.DeskTimeZoneMiddleware``).
Each function takes the studio when the caller has it, and otherwise looks it up.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from proofroom.core.dates import local_in, today_in, zone_named
from proofroom.studio.studios import Studio, studio_get


def studio_zone(studio: Studio | None = None) -> zoneinfo.ZoneInfo:
    studio = studio or studio_get()
    return zone_named(studio.time_zone if studio else None)


def studio_now(studio: Studio | None = None, *, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Now on the studio's wall clocks; ``zone`` when the caller looked the zone up once
    already (a sync's log, line after line)."""
    return local_in(timezone.now(), zone or studio_zone(studio))


def studio_today(studio: Studio | None = None) -> dt.date:
    """Today in the studio's time zone."""
    return today_in(studio_zone(studio))


def local(moment: dt.datetime, studio: Studio | None = None) -> dt.datetime:
    """A stored moment on the studio's wall clocks."""
    return local_in(moment, studio_zone(studio))


def studio_date(moment: dt.datetime, studio: Studio | None = None) -> dt.date:
    """The date a moment falls on in the studio's time zone (where deposits are made)."""
    return local(moment, studio).date()
