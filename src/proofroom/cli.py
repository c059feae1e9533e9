"""The ``proofroom`` command: demo, serve, migrate, setup, worker, and Django's own commands."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from proofroom.payments.base import PaymentGateway


def _fail(message: str, code: int = 2) -> NoReturn:
    print(f"proofroom: {message}", file=sys.stderr)
    sys.exit(code)


def _setup_django() -> None:
    """Load settings; a configuration error is one line naming the variable."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proofroom.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        _fail(f"configuration error: {exc}")


def refuse_damaged_databases() -> None:
    """Stop, with a clear message, before opening a SQLite database that is damaged."""
    from proofroom.core.backup import BackupError, databases_quick_check

    try:
        databases_quick_check()
    except BackupError as exc:
        _fail(str(exc), code=1)


def hold_data_folder() -> None:
    """Keep a restore from replacing the data under this process while it runs."""
    from proofroom.core.backup import BackupError, hold_running_lock

    try:
        hold_running_lock()
    except BackupError as exc:
        _fail(str(exc), code=1)


def migrate_all(verbosity: int = 0) -> None:
    """Migrate every database this process uses (each side has its own)."""
    from django.conf import settings
    from django.core.management import call_command

    refuse_damaged_databases()
    for alias in settings.DATABASES:
        call_command("migrate", database=alias, interactive=False, verbosity=verbosity)


def serve(
    *,
    host: str,
    port: int,
    threads: int,
    worker: bool,
    banner: str = "",
    listening: Callable[[], None] | None = None,
) -> None:
    """Serve the configured side(s) until Ctrl-C or SIGTERM, then stop cleanly."""
    from django.conf import settings
    from waitress.server import create_server

    from proofroom.core.public_url import public_url_follow_listener
    from proofroom.core.worker import spawn_worker_process, stop_worker_process
    from proofroom.wsgi import application

    public_url_follow_listener(host=host, port=port)  # mail links name this port
    hold_data_folder()
    refuse_damaged_databases()
    try:
        server = create_server(
            application, host=host, port=port, threads=threads, ident="Proofroom"
        )
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port} ({exc.strerror}); is another server running?")

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    if listening is not None:
        listening()  # the socket is bound: requests to it now wait for run()
    workers = None
    try:
        workers = spawn_worker_process(settings.WORKER_PROCESSES) if worker else None
        if banner:
            print(banner, flush=True)
        print(f"Serving on http://{host}:{port}/ — press Ctrl-C to stop.", flush=True)
        server.run()
    except KeyboardInterrupt:
        pass  # a second Ctrl-C while waitress was already stopping
    finally:
        # Stop whatever the signals say: a third Ctrl-C must not orphan the workers.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            server.close()
        finally:
            if workers is not None:
                stop_worker_process(workers)
        print("Stopped.", flush=True)


def cmd_demo(args: argparse.Namespace) -> None:
    from django.conf import settings

    if settings.SIDE != "both":
        _fail("the demo runs both sides in one process; unset PROOFROOM_SIDE")
    from proofroom.demo import demo_connect_and_publish, demo_load

    print("Preparing the databases…", flush=True)
    migrate_all()
    login = demo_load(out=sys.stdout)
    base = f"http://{args.host}:{args.port}"
    banner = "\n".join(
        [
            "",
            "Proofroom demo is ready.",
            f"  Desk (studio staff):  {base}/desk/",
            f"      user name: {login.username}",
            f"      password:  {login.password}",
            f"  Gallery (clients):    {base}/",
            f"      a client's login: {login.client_username} / {login.client_password}"
            " (the last name works once: you choose a new password)",
            "      event code of that session: PARK2026",
            f"  Data folder:          {settings.DATA_DIR}",
            "",
        ]
    )
    serve(
        host=args.host,
        port=args.port,
        threads=8,
        worker=True,
        banner=banner,
        listening=lambda: demo_connect_and_publish(base_url=base),
    )


def cmd_serve(args: argparse.Namespace) -> None:
    serve(host=args.host, port=args.port, threads=args.threads, worker=not args.no_worker)


def cmd_migrate(args: argparse.Namespace) -> None:
    migrate_all(verbosity=1)


def cmd_setup(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_STUDIO:
        _fail("setup makes the studio desk; run it with PROOFROOM_SIDE=studio or both")
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
        _fail(str(exc))
    print(f"Studio: {result.studio.name}")
    if result.owner is not None:
        print(f"Owner login: {result.owner.get_username()}")


def cmd_worker(args: argparse.Namespace) -> None:
    from django.conf import settings

    from proofroom.core.worker import run_workers

    hold_data_folder()
    if settings.RUNS_STUDIO:  # periodic work whose queued beat may have been lost
        from proofroom.studio.todos.jobs import todos_beat_ensure

        todos_beat_ensure()
    run_workers(
        processes=args.processes or settings.WORKER_PROCESSES,
        interval=args.interval,
        parent_pid=args.parent_pid,
    )


def cmd_import(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_STUDIO:
        _fail("import adds images to a studio session; run it on the studio side")
    from proofroom.studio.import_cli import run_import

    sys.exit(run_import(session_number=args.session, folder=args.folder, workers=args.workers))


def cmd_sync(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_STUDIO:
        _fail("sync runs on the studio side")
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
        _fail(str(exc), code=1)
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
        _fail(str(exc), code=1)
    print(f"Restored from {source}: {', '.join(part.file for part in parts)}")
    migrate_all()  # a backup from an older version of Proofroom is brought up to date
    print("Done: the databases are checked and migrated; start the server again.")


def cmd_gallery_create_studio(args: argparse.Namespace) -> None:
    from django.conf import settings

    if not settings.RUNS_GALLERY:
        _fail("create-studio runs on the gallery side")
    from django.core.exceptions import ValidationError

    from proofroom.gallery.tenants import api_key_create, studio_create

    try:
        studio = studio_create(name=args.name, slug=args.slug, email=args.email)
    except ValidationError as exc:
        _fail("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
    key = api_key_create(studio=studio)
    print(f"Studio: {studio.name}")
    print(f"Site:   {settings.PUBLIC_URL}/s/{studio.slug}/")
    print(f"API key (shown once; paste it in the desk's Settings): {key}")


def cmd_gallery_payments(args: argparse.Namespace) -> None:
    """Choose how a studio's site takes payments. Secrets come from the environment (or a
    prompt), never from the command line, where `ps` and shell history would keep them."""
    import getpass
    import os

    from django.conf import settings

    if not settings.RUNS_GALLERY:
        _fail("payments are set on the gallery side")
    from django.core.exceptions import ValidationError

    from proofroom.gallery.tenants import Studio, studio_payments_configure

    studio = Studio.objects.filter(slug=args.slug).first()
    if studio is None:
        _fail(f"this gallery has no studio at /s/{args.slug}/")
    secret_key = webhook_secret = ""
    if args.gateway == "stripe":
        secret_key = os.environ.get("STRIPE_SECRET_KEY", "") or getpass.getpass(
            "Stripe secret key (sk_…): "
        )
        webhook_secret = os.environ.get("STRIPE_WEBHOOK_SECRET", "") or getpass.getpass(
            "Stripe webhook signing secret (whsec_…): "
        )
    try:
        studio_payments_configure(
            studio=studio,
            gateway=args.gateway,
            secret_key=secret_key,
            webhook_secret=webhook_secret,
        )
    except ValidationError as exc:
        _fail(" ".join(exc.messages))
    if args.gateway == "stripe":
        print(f"{studio.name}: card payments through Stripe Checkout.")
        print(
            "In Stripe's dashboard, send the events checkout.session.completed and "
            "checkout.session.async_payment_succeeded to:"
        )
        print(f"  {settings.PUBLIC_URL}/s/{studio.slug}/payments/stripe/webhook/")
    else:
        print(f"{studio.name}: orders are placed unpaid; the studio contacts the client to pay.")


def cmd_gallery_mail(args: argparse.Namespace) -> None:
    """Show the mail that waits (the mail server refused or did not answer), and send what is
    due now; --retry-given-up first gives the given-up messages a fresh set of attempts."""
    from django.conf import settings

    if not settings.RUNS_GALLERY:
        _fail("the mail outbox is the gallery's")
    from django.utils import timezone

    from proofroom.gallery.mail import mail_deliver, mail_retry_given_up, mail_waiting

    if args.retry_given_up:
        print(f"Given up, tried again: {mail_retry_given_up()}")
    report = mail_deliver(limit=10_000)
    print(f"Sent now: {report.sent}; failed again: {report.failed}")
    waiting = mail_waiting()
    if not waiting:
        print("Nothing waits: every message was sent.")
        return
    now = timezone.now()
    for mail in waiting:
        if mail.gave_up_at:
            state = f"given up after {mail.attempts} attempts"
        else:
            minutes = max(0, round((mail.next_attempt_at - now).total_seconds() / 60))
            state = f"attempt {mail.attempts + 1} in {minutes} min"
        print(
            f"  {mail.studio.slug}  {mail.get_kind_display()} {mail.reference} "
            f"to {', '.join(mail.to)}: {state}"
        )
        if mail.last_error:
            print(f"      last error: {mail.last_error}")
    if any(mail.gave_up_at for mail in waiting):
        sys.exit(1)


def cmd_gallery_reseal(args: argparse.Namespace) -> None:
    """Seal every stored gateway secret with the newest key of PROOFROOM_SECRETS_KEY."""
    from django.conf import settings

    if not settings.RUNS_GALLERY:
        _fail("the gateway secrets are the gallery's")
    from proofroom.core.sealing import UnsealError
    from proofroom.gallery.tenants import studio_secrets_reseal

    try:
        changed = studio_secrets_reseal()
    except UnsealError as error:
        _fail(f"nothing was changed: {error}")
    print(f"Sealed with the newest key: the secrets of {changed} studio(s).")
    if len(settings.SECRETS_KEYS) > 1:
        print("The older keys in PROOFROOM_SECRETS_KEY can now be removed.")


def cmd_gallery_sweep(args: argparse.Namespace) -> None:
    """Delete the derivatives no session uses and the stray files in the gallery's storage,
    once older than the grace period; --verify also re-hashes every stored file."""
    import datetime as dt

    from django.conf import settings

    if not settings.RUNS_GALLERY:
        _fail("the sweep cleans the gallery's storage; run it on the gallery side")
    from proofroom.gallery.sweep import blobs_sweep

    hours = settings.SWEEP_GRACE_HOURS if args.grace_hours is None else args.grace_hours
    if hours < 0:
        _fail("--grace-hours cannot be negative")
    report = blobs_sweep(grace=dt.timedelta(hours=hours), verify=args.verify)
    print(f"Unused derivatives deleted: {report.derivatives_deleted}")
    print(f"Stray files deleted: {report.files_deleted}")
    if args.verify:
        print(
            f"Damaged files deleted: {report.damaged_files_deleted} "
            "(the next sync sends them again)"
        )


def cmd_manage(argv: Sequence[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["proofroom manage", *argv])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="proofroom",
        description="Studio management for photographers, with its own online gallery.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="load a sample studio and serve both sides")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    srv = sub.add_parser("serve", help="serve the configured side(s) with a task worker thread")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    srv.add_argument("--threads", type=int, default=8)
    srv.add_argument(
        "--no-worker", action="store_true", help="run tasks in `proofroom worker` processes"
    )
    srv.set_defaults(func=cmd_serve)

    mig = sub.add_parser("migrate", help="create or update every database this side uses")
    mig.set_defaults(func=cmd_migrate)

    setup = sub.add_parser("setup", help="create the studio and its owner's desk login")
    setup.add_argument("--studio", required=True, help="the studio's name")
    setup.add_argument("--email", default="")
    setup.add_argument("--currency", default="USD", help="ISO 4217 code, e.g. USD, EUR, GBP")
    setup.add_argument("--time-zone", default="UTC", help="e.g. Europe/London")
    setup.add_argument("--owner", default="", help="user name of the owner's desk login")
    setup.set_defaults(func=cmd_setup)

    work = sub.add_parser("worker", help="run background tasks (one process per core at scale)")
    work.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    work.add_argument(
        "--processes", type=int, default=0, help="worker processes (default: PROOFROOM_WORKERS)"
    )
    work.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    work.set_defaults(func=cmd_worker)

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

    gallery = sub.add_parser("gallery", help="the gallery's own commands")
    gsub = gallery.add_subparsers(dest="gallery_command", required=True, metavar="COMMAND")
    create = gsub.add_parser("create-studio", help="add a studio and print its API key once")
    create.add_argument("name")
    create.add_argument("--slug", default="", help="its address: /s/SLUG/ (made from the name)")
    create.add_argument("--email", default="")
    create.set_defaults(func=cmd_gallery_create_studio)
    pay = gsub.add_parser(
        "payments",
        help="how a studio's site takes payments: manual (no merchant account) or stripe",
    )
    pay.add_argument("slug", help="the studio's address: /s/SLUG/")
    pay.add_argument("--gateway", choices=PaymentGateway.values, required=True)
    pay.set_defaults(func=cmd_gallery_payments)

    mail = gsub.add_parser(
        "mail", help="the mail that waits for the mail server; send what is due now"
    )
    mail.add_argument(
        "--retry-given-up",
        action="store_true",
        help="try the given-up messages again (after fixing the mail settings)",
    )
    mail.set_defaults(func=cmd_gallery_mail)

    reseal = gsub.add_parser(
        "reseal", help="seal the stored gateway secrets with the newest secrets key (rotation)"
    )
    reseal.set_defaults(func=cmd_gallery_reseal)

    sweep = gsub.add_parser(
        "sweep", help="delete derivatives no session uses and stray files, after a grace period"
    )
    sweep.add_argument(
        "--grace-hours",
        type=float,
        default=None,
        help="keep what is younger than this (default: PROOFROOM_SWEEP_GRACE_HOURS, 24)",
    )
    sweep.add_argument(
        "--verify", action="store_true", help="also re-hash every file; drop the damaged ones"
    )
    sweep.set_defaults(func=cmd_gallery_sweep)

    sub.add_parser("manage", help="run a Django management command", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        _setup_django()
        cmd_manage(argv[1:])
        return
    args = build_parser().parse_args(argv)
    _setup_django()
    args.func(args)


if __name__ == "__main__":
    main()
