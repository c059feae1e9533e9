"""`proofroom backup` and `proofroom restore`, driven as an operator would: real processes on
a real data folder, a server and syncs killed with SIGKILL, SQLite files on disk."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.cast import free_port

CLI = [sys.executable, "-m", "proofroom.cli"]

SMALL_DEMO = """
import io, sys
import django
django.setup()
from proofroom import demo
demo.DEMO_PHOTO_SIZE = (360, 240)
demo.DEMO_SESSIONS = [(*row[:5], min(row[5], 4), row[6]) for row in demo.DEMO_SESSIONS]
demo.demo_load(out=io.StringIO())
demo.demo_connect_and_publish(base_url=sys.argv[1])
from proofroom.gallery.store.models import Order
print(Order.objects.count())
"""

# What a sync killed mid-write leaves behind: newer pages in the write-ahead log, some of
# them already checkpointed into the database file.
WRITER_KILLED = """
import os, signal, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE later_work (id INTEGER PRIMARY KEY, note TEXT)")
db.executemany("INSERT INTO later_work (note) VALUES (?)", [("x" * 300,)] * 3000)
db.commit()
db.execute("PRAGMA wal_checkpoint(PASSIVE)")
db.executemany("INSERT INTO later_work (note) VALUES (?)", [("y" * 300,)] * 500)
db.execute("DELETE FROM later_work WHERE id % 3 = 0")
db.commit()
os.kill(os.getpid(), signal.SIGKILL)
"""


def environment(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROOFROOM_", "DATABASE_URL"))}
    env.update({"PROOFROOM_DATA": str(data), "PROOFROOM_WORKERS": "1", **extra})
    return env


def proofroom(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300)


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return "; ".join(row[0] for row in db.execute("PRAGMA integrity_check").fetchall())
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        db.close()


class Server:
    """`proofroom serve` on a free port, for as long as the test needs it."""

    def __init__(self, env: dict[str, str], port: int = 0) -> None:
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*CLI, "serve", "--no-worker", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(150):
            try:
                if httpx.get(f"{self.url}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("the server did not come up")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.kill()


def web_orders_on_the_desk(studio_db: Path) -> list[tuple[str, int]]:
    db = sqlite3.connect(studio_db)
    try:
        return db.execute(
            "SELECT web_order_number, COUNT(*) FROM studio_invoice "
            "WHERE web_order_number != '' GROUP BY web_order_number"
        ).fetchall()
    finally:
        db.close()


def test_restore_after_a_killed_sync_gives_a_sound_desk_that_downloads_each_order_once(
    tmp_path: Path, servers: list[Server]
) -> None:
    """Issue 13, defect 6: the README's restore (copy the files back) put an older database
    beside a newer -wal file and corrupted it. Backup, a sync and the server killed, restore:
    both databases pass integrity_check, and the next sync makes each web order one invoice."""
    data = tmp_path / "data"
    env = environment(data)
    assert proofroom(env, "migrate").returncode == 0
    server = Server(env)
    servers.append(server)
    server.start()
    made = subprocess.run(
        [sys.executable, "-c", SMALL_DEMO, server.url],
        env=env | {"PROOFROOM_TASKS": "immediate", "DJANGO_SETTINGS_MODULE": "proofroom.settings"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    orders = int(made.stdout.split()[-1])
    assert orders == 3  # the demo's sample web orders, waiting on the gallery

    backup = tmp_path / "backup"
    taken = proofroom(env, "backup", str(backup))
    assert taken.returncode == 0, taken.stderr
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {part["name"] for part in manifest["parts"]} == {"studio", "gallery", "media"}

    # A Download Orders run, killed once it has started; then the server dies too.
    sync = subprocess.Popen([*CLI, "sync", "--orders"], env=env, stdout=subprocess.PIPE, text=True)
    assert sync.stdout is not None
    assert sync.stdout.readline().startswith("Synchronizing")
    sync.kill()
    sync.wait(timeout=30)

    refused = proofroom(env, "restore", str(backup))
    assert refused.returncode == 1
    assert "is running on the data folder" in refused.stderr
    assert "Nothing was changed" in refused.stderr

    server.kill()
    assert (data / "studio.sqlite3-wal").exists()  # left behind by the killed processes

    restored = proofroom(env, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert integrity(data / "studio.sqlite3") == "ok"
    assert integrity(data / "gallery.sqlite3") == "ok"
    assert web_orders_on_the_desk(data / "studio.sqlite3") == []  # as at the backup

    again = Server(env, port=server.port)  # where the desk finds its gallery
    servers.append(again)
    again.start()
    synced = proofroom(env, "sync", "--orders")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    invoices = web_orders_on_the_desk(data / "studio.sqlite3")
    assert len(invoices) == orders
    assert all(count == 1 for _, count in invoices)
    assert proofroom(env, "sync", "--orders").returncode == 0
    assert web_orders_on_the_desk(data / "studio.sqlite3") == invoices  # nothing doubled


def test_a_backup_copied_beside_a_newer_wal_is_refused_then_restored(tmp_path: Path) -> None:
    """Issue 13, defect 6, the old failure mode: a backup copied over studio.sqlite3 beside a
    newer -wal file is a corrupt database, which `migrate` used to open and exit 0. Now it,
    and `serve`, refuse with a message; `proofroom restore` puts the same backup back right."""
    data = tmp_path / "data"
    env = environment(data, PROOFROOM_SIDE="studio")
    db = data / "studio.sqlite3"
    assert proofroom(env, "setup", "--studio", "Northlight Studio").returncode == 0
    backup = tmp_path / "backup"
    assert proofroom(env, "backup", str(backup)).returncode == 0

    subprocess.run([sys.executable, "-c", WRITER_KILLED, str(db)], check=False, timeout=120)
    assert Path(f"{db}-wal").exists()
    shutil.copyfile(backup / "studio.sqlite3", db)  # the README's old manual restore
    assert integrity(db) != "ok"  # what it did to the desk

    migrate = proofroom(env, "migrate")
    assert migrate.returncode == 1
    assert f"the database {db} is damaged" in migrate.stderr
    serve = proofroom(env, "serve", "--no-worker", "--port", str(free_port()))
    assert serve.returncode == 1
    assert "is damaged" in serve.stderr

    restored = proofroom(env, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert integrity(db) == "ok"
    assert proofroom(env, "migrate").returncode == 0
    studio = sqlite3.connect(db).execute("SELECT name FROM studio_studio").fetchall()
    assert studio == [("Northlight Studio",)]


def test_a_damaged_or_foreign_backup_changes_nothing(tmp_path: Path) -> None:
    """A part that does not match the manifest, or a backup of the other side, is refused
    before anything is touched."""
    data = tmp_path / "data"
    studio_env = environment(data, PROOFROOM_SIDE="studio")
    assert proofroom(studio_env, "setup", "--studio", "Northlight Studio").returncode == 0
    (data / "media").mkdir(exist_ok=True)
    (data / "media" / "kept.txt").write_text("still here")
    backup = tmp_path / "backup"
    assert proofroom(studio_env, "backup", str(backup)).returncode == 0

    gallery_env = environment(tmp_path / "gallery", PROOFROOM_SIDE="gallery")
    foreign = proofroom(gallery_env, "restore", str(backup))
    assert foreign.returncode == 1
    assert "this backup has no gallery" in foreign.stderr

    with (backup / "media.tar").open("r+b") as tar:
        tar.seek(700)
        tar.write(b"!")
    (data / "media" / "kept.txt").write_text("newer")
    damaged = proofroom(studio_env, "restore", str(backup))
    assert damaged.returncode == 1
    assert "does not match the manifest" in damaged.stderr
    assert (data / "media" / "kept.txt").read_text() == "newer"

    assert proofroom(studio_env, "restore", str(tmp_path / "nowhere")).returncode == 1
    assert proofroom(studio_env, "backup", str(backup)).returncode == 1  # not over a backup


def test_backup_and_restore_on_postgresql(tmp_path: Path) -> None:
    """The same on PostgreSQL: pg_dump -Fc and pg_restore, over a database that has since
    changed (and gained a table the backup did not have)."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        server = "postgres://postgres@127.0.0.1:5432/postgres"
    base, _, _ = server.rpartition("/")
    name = f"proofroom_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = environment(tmp_path / "data", PROOFROOM_SIDE="studio")
        env["DATABASE_URL"] = f"{base}/{name}"
        assert proofroom(env, "setup", "--studio", "Northlight Studio").returncode == 0
        backup = tmp_path / "backup"
        taken = proofroom(env, "backup", str(backup))
        assert taken.returncode == 0, taken.stderr
        assert (backup / "studio.dump").read_bytes().startswith(b"PGDMP")
        with psycopg.connect(f"{base}/{name}", autocommit=True) as db:
            db.execute("UPDATE studio_studio SET name = 'Renamed'")
            db.execute("CREATE TABLE from_a_later_version (id int)")
        restored = proofroom(env, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(f"{base}/{name}") as db:
            assert db.execute("SELECT name FROM studio_studio").fetchall() == [
                ("Northlight Studio",)
            ]
            assert db.execute("SELECT to_regclass('from_a_later_version')").fetchone() == (None,)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
