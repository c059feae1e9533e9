"""The data of a side: ``migrate``, ``setup``, ``import``, ``sync``, ``backup``, ``restore``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from proofroom.cli.base import fail, hold_data_folder, migrate_all, refuse_damaged_databases


def cmd_migrate(args: argparse.Namespace) -> None:
    migrate_all(verbosity=1)


def cmd_setup(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_STUDIO:
        fail("setup makes the studio desk; run it with PROOFROOM_SIDE=studio or both")
    from proofroom.studio.setup import SetupError, desk_setup

    migrate_all()
    password = os.environ.get("PROOFROOM_OWNER_PASSWORD", "")
    if args.owner and not password:
        import getpass

        password = getpass.getpass(f"Password for {args.owner}: ")
    try:
        result = desk_setup(
            studio_name=args.studio,
            email=args.email,
            currency=args.currency,
            time_zone=args.time_zone,
            owner_username=args.owner,
            owner_password=password,
        )
    except SetupError as exc:
        fail(str(exc))
    print(f"Studio: {result.studio.name}")
    if result.owner is not None:
        print(f"Owner login: {result.owner.get_username()}")


def cmd_import(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_STUDIO:
        fail("import adds images to a studio session; run it on the studio side")
    from proofroom.studio.import_cli import run_import

    sys.exit(run_import(session_number=args.session, folder=args.folder, workers=args.workers))


def cmd_sync(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_STUDIO:
        fail("sync runs on the studio side")
    from proofroom.studio.synchronizer.cli import run_sync

    hold_data_folder()
    refuse_damaged_databases()
    sys.exit(run_sync(args))


def cmd_backup(args: argparse.Namespace) -> None:
    from pathlib import Path

    from proofroom.core.backup import BackupError, backup_take

    destination = Path(args.destination).expanduser().resolve()
    try:
        parts = backup_take(destination=destination)
    except BackupError as exc:
        fail(str(exc), code=1)
    for part in parts:
        print(f"  {part.file:<16} {part.size:>14,} bytes  sha256 {part.sha256[:16]}…")
    print(f"Backup written to {destination}")


def cmd_restore(args: argparse.Namespace) -> None:
    from pathlib import Path

    from proofroom.core.backup import BackupError, backup_restore

    source = Path(args.source).expanduser().resolve()
    try:
        parts = backup_restore(source=source)
    except BackupError as exc:
        fail(str(exc), code=1)
    print(f"Restored from {source}: {', '.join(part.file for part in parts)}")
    migrate_all()  # a backup from an older version of Proofroom is brought up to date
    print("Done: the databases are checked and migrated; start the server again.")


def add_commands(sub: Any) -> None:
    mig = sub.add_parser(
        "migrate",
        help="create or update every database this side uses, and collect its static files",
    )
    mig.set_defaults(func=cmd_migrate)

    setup = sub.add_parser("setup", help="create the studio and its owner's desk login")
    setup.add_argument("--studio", required=True, help="the studio's name")
    setup.add_argument("--email", default="")
    setup.add_argument("--currency", default="USD", help="ISO 4217 code, e.g. USD, EUR, GBP")
    setup.add_argument("--time-zone", default="UTC", help="e.g. Europe/London")
    setup.add_argument("--owner", default="", help="user name of the owner's desk login")
    setup.set_defaults(func=cmd_setup)

    imp = sub.add_parser("import", help="import a folder of images into a session")
    imp.add_argument("session", type=int, help="the session's number, as the desk shows it")
    imp.add_argument("folder", help="a folder on this machine; subfolders are included")
    imp.add_argument(
        "--workers", type=int, default=0, help="processes making previews (default: cores)"
    )
    imp.set_defaults(func=cmd_import)

    sync = sub.add_parser(
        "sync", help="synchronize with the gallery: uploads, downloads, take-downs"
    )
    sync.add_argument("--sessions", action="store_true", help="Upload Sessions & Images")
    sync.add_argument("--clients", action="store_true", help="Upload Client Logins")
    sync.add_argument("--price-lists", action="store_true", help="Upload Price Lists")
    sync.add_argument("--prepaid-orders", action="store_true", help="Upload Prepaid Orders")
    sync.add_argument("--remove-expired", action="store_true", help="Remove expired sessions")
    sync.add_argument("--orders", action="store_true", help="Download Orders")
    sync.add_argument(
        "--downloads", action="store_true", help="every download: orders, favourites, guests, ..."
    )
    sync.set_defaults(func=cmd_sync)

    backup = sub.add_parser(
        "backup", help="copy this side's databases and media to a new folder, while running"
    )
    backup.add_argument("destination", help="a new (or empty) folder for the backup")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser(
        "restore", help="put back a backup of this side (stop the server and workers first)"
    )
    restore.add_argument("source", help="a folder written by `proofroom backup`")
    restore.set_defaults(func=cmd_restore)
