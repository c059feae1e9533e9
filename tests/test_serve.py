"""`proofroom serve` stops cleanly on Ctrl-C, even pressed twice, and leaves no worker behind."""

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


def test_ctrl_c_twice_stops_the_server_and_its_workers(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROOFROOM_", "DATABASE_URL"))}
    env.update({"PROOFROOM_DATA": str(tmp_path), "PROOFROOM_WORKERS": "2"})
    cli = [sys.executable, "-m", "proofroom.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        for _ in range(50):  # the worker processes are up
            if len(processes_with_data(tmp_path)) >= 4:
                break
            time.sleep(0.2)
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
    for _ in range(50):
        if not processes_with_data(tmp_path):
            break
        time.sleep(0.2)
    assert processes_with_data(tmp_path) == []
