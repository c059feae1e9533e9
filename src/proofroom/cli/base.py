"""What every ``proofroom`` command shares: settings, the data folder's guards, migrations."""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"proofroom: {message}", file=sys.stderr)
    sys.exit(code)


def setup_django() -> None:
    """Load settings; a configuration error is one line naming the variable."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proofroom.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        fail(f"configuration error: {exc}")


def refuse_damaged_databases() -> None:
    """Stop, with a clear message, before opening a SQLite database that is damaged."""
    from proofroom.core.backup import BackupError, databases_quick_check

    try:
        databases_quick_check()
    except BackupError as exc:
        fail(str(exc), code=1)


def hold_data_folder() -> None:
    """Keep a restore from replacing the data under this process while it runs."""
    from proofroom.core.backup import BackupError, hold_running_lock

    try:
        hold_running_lock()
    except BackupError as exc:
        fail(str(exc), code=1)


def migrate_all(verbosity: int = 0) -> None:
    """Migrate every database this process uses (each side has its own), then collect the
    static files of this version under their hashed names (see proofroom.core.static)."""
    from django.conf import settings
    from django.core.management import call_command

    refuse_damaged_databases()
    for alias in settings.DATABASES:
        call_command("migrate", database=alias, interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=verbosity)
