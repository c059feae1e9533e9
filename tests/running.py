"""Proofroom run as an operator runs it: the ``proofroom`` command in subprocesses, on a data
folder of the test's own (SQLite; the variables of the test run are not passed on)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.cast import free_port

CLI = [sys.executable, "-m", "proofroom.cli"]


def operator_env(data: Path, **extra: str) -> dict[str, str]:
    """This process's environment without Proofroom's and Django's variables, plus these."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PROOFROOM_", "DATABASE_URL", "GALLERY_DATABASE_URL", "DJANGO_"))
    }
    env.update({"PROOFROOM_DATA": str(data), **extra})
    return env


def proofroom(env: dict[str, str], *args: str) -> str:
    """Run one ``proofroom`` command to its end; its output, or a failure that shows it."""
    done = subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"proofroom {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def started(env: dict[str, str], *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """A long-running ``proofroom`` command, stopped (SIGTERM, then SIGKILL) at the end."""
    proc = subprocess.Popen([*CLI, *args], env=env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[str]:
    """``proofroom serve`` on a free port, once it answers: its base URL."""
    port = free_port()
    with started(env, "serve", "--port", str(port), *args) as server:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            assert server.poll() is None, "the server stopped"
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
