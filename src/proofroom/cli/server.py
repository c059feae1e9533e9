"""Serving: ``proofroom demo``, ``serve`` and ``worker``."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from typing import Any

from proofroom.cli.base import fail, hold_data_folder, migrate_all, refuse_damaged_databases


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
        fail(f"cannot listen on {host}:{port} ({exc.strerror}); is another server running?")

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
        fail("the demo runs both sides in one process; unset PROOFROOM_SIDE")
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


def cmd_worker(args: argparse.Namespace) -> None:
    from django.conf import settings

    from proofroom.core.worker import run_workers

    hold_data_folder()
    run_workers(
        processes=args.processes or settings.WORKER_PROCESSES,
        interval=args.interval,
        parent_pid=args.parent_pid,
    )


def add_commands(sub: Any) -> None:
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

    work = sub.add_parser("worker", help="run background tasks (one process per core at scale)")
    work.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    work.add_argument(
        "--processes", type=int, default=0, help="worker processes (default: PROOFROOM_WORKERS)"
    )
    work.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    work.set_defaults(func=cmd_worker)
