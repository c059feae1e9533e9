"""`.ci/run`'s Redis step, alone: against a port where no Redis answers it starts one that
answers, and a second call leaves the running one be (the machine's Redis on 6379 is not
touched; the suite is not run)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import redis

from tests.cast import free_port

CI_RUN = Path(__file__).resolve().parent.parent / ".ci" / "run"


def start_redis(port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f'source "{CI_RUN}" && start_redis {port}'],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ci_run_starts_redis_where_none_answers(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None and not os.environ.get("CI"):
        pytest.skip("no redis-server here (.ci/run would install it with apt-get)")
    port = free_port()
    server = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=2)
    with pytest.raises(redis.ConnectionError):
        server.ping()
    try:
        first = start_redis(port)
        assert first.returncode == 0, first.stderr
        assert f"==> Starting Redis on port {port}" in first.stdout
        assert server.ping()
        assert server.config_get("save") == {"save": ""}  # CI's queue is not kept

        again = start_redis(port)  # one answers: nothing to start
        assert again.returncode == 0, again.stderr
        assert "Starting Redis" not in again.stdout
    finally:
        with contextlib.suppress(redis.ConnectionError):
            server.shutdown(nosave=True)  # the Redis this test started, by its own port
