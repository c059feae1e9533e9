"""The ``proofroom`` command: demo, serve, migrate, setup, worker, and Django's own commands.

One module per group of commands (``server``, ``data``, ``gallery``); ``base`` holds what
they share. Each module's ``add_commands`` adds its subcommands to the parser.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from proofroom.cli import data, gallery, server
from proofroom.cli.base import migrate_all, setup_django
from proofroom.cli.gallery import cmd_gallery_mail

__all__ = ["build_parser", "cmd_gallery_mail", "main", "migrate_all"]


def cmd_manage(argv: Sequence[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["proofroom manage", *argv])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="proofroom",
        description="Studio management for photographers, with its own online gallery.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    server.add_commands(sub)
    data.add_commands(sub)
    gallery.add_commands(sub)
    sub.add_parser("manage", help="run a Django management command", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        setup_django()
        cmd_manage(argv[1:])
        return
    args = build_parser().parse_args(argv)
    setup_django()
    args.func(args)
