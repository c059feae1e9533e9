"""`proofroom serve` stops cleanly on Ctrl-C, even pressed twice, and leaves no worker behind;
killed outright, its workers die with it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def processes_with_data(data: Path) -> list[int]:
    """Pids whose environment names this data folder (the server and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"PROOFROOM_DATA={data}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


CLI = [sys.executable, "-m", "proofroom.cli"]


def start_server(data: Path) -> subprocess.Popen[str]:
    """`proofroom serve` with two worker processes, once it answers and its workers are up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROOFROOM_", "DATABASE_URL"))}
    env.update({"PROOFROOM_DATA": str(data), "PROOFROOM_WORKERS": "2"})
    subprocess.run([*CLI, "migrate"], env=env, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, text=True
    )
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    for _ in range(50):  # the worker processes are up
        if len(processes_with_data(data)) >= 4:
            break
        time.sleep(0.2)
    return server


def gone(data: Path) -> bool:
    """Every process of this data folder has ended (polled for up to 30 seconds)."""
    for _ in range(150):
        if not processes_with_data(data):
            return True
        time.sleep(0.2)
    return False


def test_ctrl_c_twice_stops_the_server_and_its_workers(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        assert len(processes_with_data(tmp_path)) == 4  # server, worker parent, 2 workers
        server.send_signal(signal.SIGINT)
        time.sleep(0.05)
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert out.rstrip().endswith("Stopped.")
    assert gone(tmp_path)


def test_killed_server_takes_its_workers_with_it(tmp_path: Path) -> None:
    """Issue 13, defect 7: SIGKILL of `proofroom serve` left its workers running, to run
    beside the next server's. Now the worker process and its children end with it."""
    server = start_server(tmp_path)
    try:
        assert len(processes_with_data(tmp_path)) == 4
        server.kill()
        server.wait(timeout=30)
        assert gone(tmp_path), f"orphaned workers: {processes_with_data(tmp_path)}"
    finally:
        for pid in processes_with_data(tmp_path):  # nothing of this test outlives it
            os.kill(pid, signal.SIGKILL)
