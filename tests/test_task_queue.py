"""PROOFROOM_TASKS=rq: a task enqueued by a desk request runs on an RQ worker that
`proofroom worker` started, and a task booked for later runs when due (RQ's scheduler),
against the machine's Redis (issue 17, point 3)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from proofroom.imaging.samples import make_sample_photo
from tests.cast import PASSWORD
from tests.running import operator_env, proofroom, serving, started
from tests.test_serve import gone, processes_with_data

REDIS = "redis://127.0.0.1:6379"
CLAIM = "proofroom:test-claim"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database of this test's own: the first empty one it can claim, emptied after.
    Without a Redis server the test is skipped, but never in CI (.ci/run starts one)."""
    try:
        redis.Redis.from_url(f"{REDIS}/0", socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis server at {REDIS} (.ci/run starts one; `redis-server` here)")
    for number in range(1, 16):
        db = redis.Redis.from_url(f"{REDIS}/{number}")
        if db.dbsize() == 0 and db.set(CLAIM, os.getpid(), nx=True, ex=600):
            try:
                yield f"{REDIS}/{number}"
            finally:
                db.flushdb()
            return
    pytest.skip("every Redis database 1-15 is in use")


def desk_login(browser: httpx.Client) -> None:
    browser.get("/desk/login/")
    signed_in = browser.post(
        "/desk/login/",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
    )
    assert signed_in.status_code == 302, signed_in.text


def wait_for(what: str, check, seconds: float = 90) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return str(found)
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {seconds} s")


def test_rq_worker_makes_the_previews_of_an_upload_and_runs_tasks_booked_for_later(
    tmp_path: Path, redis_url: str
) -> None:
    env = operator_env(
        tmp_path,
        PROOFROOM_TASKS="rq",
        PROOFROOM_REDIS_URL=redis_url,
        PROOFROOM_WORKERS="1",
        PROOFROOM_OWNER_PASSWORD=PASSWORD,
    )
    proofroom(env, "setup", "--studio", "Northlight Studio", "--owner", "alice")
    number = proofroom(
        env,
        *("manage", "shell", "-c"),
        "from tests.factories import make_session; print(make_session(description='RQ').number)",
    ).split()[-1]
    queue = redis.Redis.from_url(redis_url)

    with serving(env, "--no-worker") as base, httpx.Client(base_url=base) as browser:
        desk_login(browser)
        photo = make_sample_photo(width=900, height=600, seed=7, quality=85, grain=1.0)
        upload = browser.post(
            f"/desk/sessions/{number}/import/",
            files={"files": ("IMG_0001.jpg", photo, "image/jpeg")},
            headers={
                "Accept": "application/json",
                "X-CSRFToken": browser.cookies["csrftoken"],
            },
        )
        assert upload.status_code == 200, upload.text
        assert upload.json()["imported"] == 1
        # No worker runs yet: the job waits on Redis, and the viewer says the preview is due.
        assert queue.llen("rq:queue:images") == 1
        waiting = browser.get(f"/desk/sessions/{number}/images/").text
        assert "data-status=" in waiting and "data-preview=" not in waiting

        with started(env, "worker", "--processes", "1"):

            def preview_url() -> str | None:
                page = browser.get(f"/desk/sessions/{number}/images/").text
                found = re.search(r'data-preview="([^"]+)"', page)
                return found.group(1) if found else None

            preview = browser.get(wait_for("the RQ worker makes the preview", preview_url))
            assert preview.status_code == 200
            assert preview.headers["Content-Type"] == "image/jpeg"
            assert preview.content.startswith(b"\xff\xd8")
            assert queue.llen("rq:queue:images") == 0

            # A task booked two seconds ahead (as the automatic sync books its next beat and
            # the gallery its mail retries) waits in RQ's scheduled registry, then runs.
            result_id = proofroom(
                env,
                *("manage", "shell", "-c"),
                "import datetime as dt; from django.utils import timezone; "
                "from proofroom.studio.tasks import studio_previews_remake as t; "
                "print(t.using(run_after=timezone.now() + dt.timedelta(seconds=2))"
                ".enqueue().id)",
            ).split()[-1]
            assert queue.zscore("rq:scheduled:images", result_id) is not None

            def result() -> str:
                return proofroom(
                    env,
                    *("manage", "shell", "-c"),
                    "from proofroom.studio.tasks import studio_previews_remake as t; "
                    f"r = t.get_result('{result_id}'); "
                    "print(r.status, r.return_value if r.is_finished else '')",
                ).split("\n")[-2]

            assert wait_for(
                "the scheduled task runs", lambda: "SUCCESSFUL" in result() and result()
            ).endswith(" 1")


def test_killed_rq_worker_takes_its_workers_and_scheduler_with_it(
    tmp_path: Path, redis_url: str
) -> None:
    """The parent-death signal of the database workers holds for RQ's: SIGKILL of
    `proofroom worker` ends its RQ workers and its scheduler too."""
    env = operator_env(tmp_path, PROOFROOM_TASKS="rq", PROOFROOM_REDIS_URL=redis_url)
    proofroom(env, "migrate")
    with started(env, "worker", "--processes", "2") as worker:
        wait_for(
            "the worker, 2 RQ workers and the scheduler",
            lambda: len(processes_with_data(tmp_path)) == 4,
        )
        locks = redis.Redis.from_url(redis_url)
        # The scheduler holds one lock per queue: default, images, sync.
        wait_for("the scheduler's locks", lambda: len(locks.keys("rq:scheduler-lock:*")) == 3)
        worker.kill()
        worker.wait(30)
        assert gone(tmp_path), f"orphaned workers: {processes_with_data(tmp_path)}"
        # Stopped, not killed: the scheduler gave its locks back for another node to take.
        assert locks.keys("rq:scheduler-lock:*") == []


SCHEDULE = (
    "from proofroom.studio.synchronizer.schedule import auto_sync_configure; "
    "auto_sync_configure(minutes=15, kinds=['favourites'])"
)
# The schedule's generation, the ticks booked ahead (READY rows or RQ's scheduled registry,
# by their arguments), and how many scheduled syncs ran.
BEATS = (
    "import django_rq; from django.conf import settings; "
    "from django_tasks_db.models import DBTaskResult; "
    "from proofroom.studio.studios import studio_get; "
    "from proofroom.studio.synchronizer.runs import SyncRun; "
    "rq = settings.TASK_BACKEND == 'rq'; "
    "q = rq and django_rq.get_queue('sync'); "
    "ahead = [list(q.fetch_job(i).args) "
    "for i in q.scheduled_job_registry.get_job_ids()] if rq else "
    "[r.args_kwargs['args'] for r in DBTaskResult.objects.filter("
    "task_path__endswith='.sync_tick', status='READY')]; "
    "print(studio_get().auto_sync_generation, ahead, "
    "SyncRun.objects.filter(trigger='schedule').count())"
)


def beats(env: dict[str, str]) -> str:
    return proofroom(env, "manage", "shell", "-c", BEATS).strip().split("\n")[-1]


@pytest.mark.parametrize("backend", ["database", "rq"])
def test_worker_books_again_the_sync_tick_the_queue_lost(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    """Redis restarted without its data (or the task rows were deleted): `proofroom worker`
    starts the automatic sync's schedule again, under a new generation, and it goes on."""
    extra = {"PROOFROOM_TASKS": backend, "PROOFROOM_WORKERS": "1"}
    if backend == "rq":
        extra["PROOFROOM_REDIS_URL"] = request.getfixturevalue("redis_url")
    env = operator_env(tmp_path, PROOFROOM_OWNER_PASSWORD=PASSWORD, **extra)
    proofroom(env, "setup", "--studio", "Northlight Studio", "--owner", "alice")
    proofroom(env, "manage", "shell", "-c", SCHEDULE)
    if backend == "rq":
        queue = redis.Redis.from_url(extra["PROOFROOM_REDIS_URL"])
        assert queue.llen("rq:queue:sync") == 1
        queue.flushdb()
        queue.set(CLAIM, os.getpid(), ex=600)
    else:
        proofroom(
            env,
            *("manage", "shell", "-c"),
            "from django_tasks_db.models import DBTaskResult; DBTaskResult.objects.all().delete()",
        )
    assert beats(env) == "1 [] 0"  # the schedule is on, and nothing of it is booked

    with started(env, "worker", "--processes", "1"):
        # The tick booked at start ran (one scheduled sync) and booked the next, for later.
        wait_for("the schedule goes on", lambda: beats(env) == "2 [[2]] 1", seconds=120)
