"""Benchmark: the studio's synchronizer uploading a 500-image session vs raw HTTP PUTs.

Run by hand from the project root:

    .venv/bin/python bench/upload.py [--images 500] [--distinct 25] [--rounds 2]

In one run, over loopback, with a fresh temporary data folder (SQLite files for both
sides) that this process and a real ``proofroom serve --no-worker`` subprocess share:
this process is the studio desk (studio database), the server is the gallery (gallery
database).  The session's derivatives are generated, not made from camera files:
``distinct`` previews (2048 x 1365, Q85) and thumbnails (400 x 267) made once, each of
the ``images`` copies made unique by a JPEG COM segment carrying its index.

(a) raw: the same preview and thumbnail bytes PUT one after the other over one
    keep-alive httpx.Client to a minimal WSGI app (waitress, 8 threads, like
    ``proofroom serve``) in another subprocess that writes each body to a file;
(b) sync: session_mark_for_upload + proofroom.studio.synchronizer.runner.sync_run_execute, for real;
(c) resync: marked again without changes, synced again (no image bytes must move).

The order is raw, sync, resync, raw, then for each further round (``--rounds``, 2 by
default) a sync to a new studio on the same gallery (its own API key, so every
derivative is sent again) and another raw.  Best sync over best raw is the ratio; every
measurement is printed, to show the spread of a shared machine.  The last line is the
summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PREVIEW = (2048, 1365)
THUMBNAIL = (400, 267)
GRAIN = 12.0  # ~450 KB previews and ~15 KB thumbnails, what real 2048 px Q85 JPEGs weigh
THREADS = 8  # proofroom serve's default

RAW_APP = """
import os, sys
from waitress import serve

folder, port = sys.argv[1], int(sys.argv[2])
HEX = set("0123456789abcdef")


def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "PUT":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        name = environ["PATH_INFO"].rsplit("/", 1)[-1]
        if not name or set(name) - HEX:
            start_response("400 Bad Request", [("Content-Length", "0")])
            return [b""]
        with open(os.path.join(folder, name + ".jpg"), "wb") as handle:
            handle.write(body)
        start_response("201 Created", [("Content-Type", "text/plain"), ("Content-Length", "0")])
    else:
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]


serve(app, host="127.0.0.1", port=port, threads={threads}, ident="raw", _quiet=True)
"""


# --------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {timeout:.0f} s:\n{log.read_text()[-2000:]}")


def bench_env(data_dir: Path) -> dict[str, str]:
    """The environment of both sides in one process on SQLite files in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GALLERY_DATABASE_URL")}
    env.update(
        PROOFROOM_DATA=str(data_dir),
        PROOFROOM_SIDE="both",
        PROOFROOM_LOG_LEVEL="warning",
        PROOFROOM_TASKS="database",
        DJANGO_SETTINGS_MODULE="proofroom.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
    )
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


# --------------------------------------------------------------------------- data


def _unique(jpeg: bytes, index: int) -> bytes:
    """The same JPEG with a COM segment carrying ``index`` right after SOI."""
    payload = f"proofroom bench image {index}".encode()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def _connect(gallery_url: str, number: int) -> str:
    """A studio on the gallery with a new API key, wired into the desk's settings."""
    from proofroom.gallery.tenants import api_key_create, studio_create
    from proofroom.studio.studios import studio_get, studio_update

    name = "Bench Studio" if number == 1 else f"Bench Studio {number}"
    gallery_studio = studio_create(name=name, email="studio@example.com")
    key = api_key_create(studio=gallery_studio, label="bench desk")
    desk = studio_get()
    assert desk is not None
    studio_update(studio=desk, gallery_url=gallery_url, gallery_api_key=key)
    return key


def _make_studio(gallery_url: str, images: int, distinct: int) -> dict[str, Any]:
    """Desk set-up, gallery studio + key, price list, client, session and READY images."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from proofroom.imaging.samples import make_sample_photo
    from proofroom.studio.clients import client_create
    from proofroom.studio.derivatives import derivative_key
    from proofroom.studio.images import DerivativeStatus, Image
    from proofroom.studio.pricelists import pricelist_load_sample
    from proofroom.studio.sessions import SessionType, session_create
    from proofroom.studio.setup import desk_setup

    desk_setup(studio_name="Bench Studio", email="studio@example.com")
    key = _connect(gallery_url, 1)
    price_list = pricelist_load_sample()
    kind = SessionType.objects.create(name="Wedding", web_price_list=price_list, days_active=30)
    client = client_create(first_name="Ana", last_name="Souza", email="ana@example.com")
    session = session_create(
        client=client, session_type=kind, date=dt.date(2026, 5, 16), description="Ana & Sam"
    )

    start = time.perf_counter()
    bases = [
        (
            make_sample_photo(None, width=PREVIEW[0], height=PREVIEW[1], seed=n, quality=85,
                              grain=GRAIN),
            make_sample_photo(None, width=THUMBNAIL[0], height=THUMBNAIL[1], seed=n, quality=85,
                              grain=GRAIN),
        )
        for n in range(distinct)
    ]  # fmt: skip
    made = time.perf_counter() - start

    blobs: list[bytes] = []
    rows = []
    for i in range(images):
        preview, thumbnail = (_unique(b, i) for b in bases[i % distinct])
        fields: dict[str, Any] = {}
        for kind_name, data in (("preview", preview), ("thumbnail", thumbnail)):
            sha = hashlib.sha256(data).hexdigest()
            fields[f"{kind_name}_sha256"] = sha
            fields[f"{kind_name}_key"] = default_storage.save(
                derivative_key(sha), ContentFile(data)
            )
            blobs.append(data)
        rows.append(
            Image(
                session=session,
                file_name=f"IMG_{i + 1:04d}.jpg",
                position=i,
                sha256=hashlib.sha256(f"bench original {i}".encode()).hexdigest(),
                original_key="bench",
                size_bytes=24_000_000,
                format="jpeg",
                width=6000,
                height=4000,
                status=DerivativeStatus.READY,
                preview_width=PREVIEW[0],
                preview_height=PREVIEW[1],
                **fields,
            )
        )
    Image.objects.bulk_create(rows)
    return {
        "session": session,
        "price_list": price_list,
        "key": key,
        "blobs": blobs,
        "generated_s": made,
    }


def _mark(session: Any, price_list: Any) -> None:
    from proofroom.studio.images import Image
    from proofroom.studio.online import session_mark_for_upload

    session_mark_for_upload(
        session=session,
        image_ids=list(Image.objects.filter(session=session).values_list("pk", flat=True)),
        online_group_ids=[],
        days_active=30,
        price_list=price_list,
        event_type="none",
        event_code="",
        event_description="Ana & Sam",
    )


# --------------------------------------------------------------------------- measurements


class Timed(httpx.BaseTransport):
    """The synchronizer's own transport, timing each round trip by kind of request."""

    UUID = re.compile(r"/[0-9a-f]{8}-[0-9a-f-]{27}$|/[0-9a-f]{64}$")

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport(retries=3)
        self.seconds: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = self.UUID.sub("/{id}", request.url.path.replace("/api/sync/v1", ""))
        kind = f"{request.method} {path}"
        start = time.perf_counter()
        response = self.inner.handle_request(request)
        response.read()
        self.seconds[kind] += time.perf_counter() - start
        self.count[kind] += 1
        return response

    def close(self) -> None:
        self.inner.close()


def _raw(url: str, blobs: list[bytes], folder: Path) -> dict[str, float]:
    for old in folder.iterdir():  # every run creates its files, as the gallery does
        old.unlink()
    sent = 0
    with httpx.Client(base_url=url, timeout=httpx.Timeout(30.0, connect=10.0)) as http:
        http.get("/")  # connect outside the timing, like the sync's /ping
        start = time.perf_counter()
        for data in blobs:
            name = hashlib.sha256(data).hexdigest()
            response = http.put(f"/blobs/{name}", content=data,
                                headers={"Content-Type": "image/jpeg"})  # fmt: skip
            if response.status_code != 201:
                raise SystemExit(f"raw PUT answered {response.status_code}")
            sent += len(data)
        wall = time.perf_counter() - start
    return {"wall": wall, "bytes": sent, "requests": len(blobs)}


def _sync(session: Any, price_list: Any) -> tuple[dict[str, float], Timed]:
    from proofroom.studio.synchronizer.runner import sync_run_execute
    from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus

    start = time.perf_counter()
    _mark(session, price_list)
    marked = time.perf_counter() - start
    record = SyncRun.objects.create(
        kinds=[SyncKind.SESSIONS, SyncKind.CLIENTS, SyncKind.PRICE_LISTS], trigger="bench"
    )
    transport = Timed()
    start = time.perf_counter()
    run = sync_run_execute(run_id=record.pk, transport=transport)
    wall = time.perf_counter() - start
    if run.status != SyncStatus.SUCCEEDED:
        raise SystemExit(f"sync failed:\n{run.log}")
    result = {
        "wall": wall,
        "bytes": run.bytes_sent,
        "requests": run.requests,
        "blobs": run.images_sent,
        "mark": marked,
        "http": sum(transport.seconds.values()),
    }
    return result, transport


def _check_gallery(base: str, key: str, session_uuid: object, expected: int) -> int:
    response = httpx.get(
        f"{base}/api/sync/v1/sessions/{session_uuid}",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10.0,
    )
    if response.status_code != 200:
        raise SystemExit(f"gallery answered {response.status_code}: {response.text[:300]}")
    images = int(response.json()["images"])
    if images != expected:
        raise SystemExit(f"the gallery has {images} images, expected {expected}")
    return images


# --------------------------------------------------------------------------- main


def _report(rows: list[tuple[str, dict[str, float]]], timed: Timed, resync: Timed) -> None:
    print()
    print(f"{'method':10s} {'wall s':>7s} {'MB':>7s} {'requests':>9s} {'MB/s':>7s}")
    for name, row in rows:
        mb = row["bytes"] / 1e6
        rate = f"{mb / row['wall']:7.1f}" if mb else f"{'-':>7s}"
        print(f"{name:10s} {row['wall']:7.2f} {mb:7.1f} {row['requests']:9.0f} {rate}")
    raws = [row for name, row in rows if name == "raw"]
    syncs = [row for name, row in rows if name == "sync"]
    best = min(syncs, key=lambda row: row["wall"])
    print()
    print("best sync, round trips by request (time inside the HTTP transport):")
    for kind in sorted(timed.seconds, key=lambda k: -timed.seconds[k]):
        n, secs = timed.count[kind], timed.seconds[kind]
        print(f"  {kind:22s} {n:5d} x {secs / n * 1000:7.2f} ms = {secs:6.2f} s")
    per_raw = min(r["wall"] for r in raws) / raws[0]["requests"] * 1000
    blobs = "PUT /blobs/{id}"
    if timed.count.get(blobs):
        per_blob = timed.seconds[blobs] / timed.count[blobs] * 1000
        print(f"  blob PUT round trip {per_blob:.2f} ms vs raw PUT {per_raw:.2f} ms (best raw)")
    print(
        f"  studio side, outside HTTP: {best['wall'] - best['http']:.2f} s of {best['wall']:.2f} s"
    )
    print(
        "resync round trips: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in resync.seconds.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=500, help="images in the session")
    parser.add_argument("--distinct", type=int, default=25, help="distinct generated photos")
    parser.add_argument("--rounds", type=int, default=2, help="full syncs (each to a new studio)")
    args = parser.parse_args()

    begun = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="proofroom-bench-upload-"))
    data_dir, raw_dir = tmp / "data", tmp / "raw"
    data_dir.mkdir()
    raw_dir.mkdir()
    env = bench_env(data_dir)
    server = raw_server = None
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        subprocess.run(
            [sys.executable, "-m", "proofroom.cli", "migrate"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        port, raw_port = _free_port(), _free_port()
        base, raw_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{raw_port}"
        server_log, raw_log = tmp / "server.log", tmp / "raw.log"
        server = _start(
            [sys.executable, "-m", "proofroom.cli", "serve", "--no-worker", "--host",
             "127.0.0.1", "--port", str(port)],
            env, server_log,
        )  # fmt: skip
        raw_server = _start(
            [sys.executable, "-c", RAW_APP.replace("{threads}", str(THREADS)), str(raw_dir),
             str(raw_port)],
            env, raw_log,
        )  # fmt: skip

        for name in ("DATABASE_URL", "GALLERY_DATABASE_URL"):
            os.environ.pop(name, None)
        os.environ.update(env)
        import django

        django.setup()

        made = _make_studio(base, args.images, args.distinct)
        blobs: list[bytes] = made["blobs"]
        total_mb = sum(map(len, blobs)) / 1e6
        previews, thumbs = blobs[0::2], blobs[1::2]
        print(
            f"made {args.distinct} distinct previews + thumbnails in {made['generated_s']:.1f} s; "
            f"{args.images} images = {len(blobs)} derivatives, {total_mb:.1f} MB "
            f"(preview avg {sum(map(len, previews)) / len(previews) / 1e3:.0f} KB, thumbnail "
            f"avg {sum(map(len, thumbs)) / len(thumbs) / 1e3:.1f} KB)",
            flush=True,
        )
        _wait_until_up(f"{base}/healthz", server, server_log, 60)
        _wait_until_up(f"{raw_base}/", raw_server, raw_log, 30)

        session, price_list = made["session"], made["price_list"]

        def measure(name: str, row: dict[str, float], note: str = "") -> None:
            rows.append((name, row))
            print(f"{name:7s} {row['wall']:6.2f} s {note}".rstrip(), flush=True)

        measure("raw", _raw(raw_base, blobs, raw_dir))
        first, first_timed = _sync(session, price_list)
        best_timed = first_timed
        measure("sync", first, f"(mark {first['mark']:.2f} s; {first['requests']:.0f} requests)")
        images = _check_gallery(base, made["key"], session.uuid, args.images)
        print(f"gallery: GET /api/sync/v1/sessions/{session.uuid} -> {images} images")
        resync, resync_timed = _sync(session, price_list)
        measure(
            "resync", resync, f"({resync['bytes']:.0f} bytes, {resync['requests']:.0f} requests)"
        )
        measure("raw", _raw(raw_base, blobs, raw_dir))
        for number in range(2, args.rounds + 1):
            key = _connect(base, number)
            again, timed = _sync(session, price_list)
            measure("sync", again, f"(to a new studio; {again['requests']:.0f} requests)")
            _check_gallery(base, key, session.uuid, args.images)
            if again["wall"] < min(r["wall"] for n, r in rows[:-1] if n == "sync"):
                best_timed = timed
            measure("raw", _raw(raw_base, blobs, raw_dir))
        stored = len(list(raw_dir.iterdir()))
        if stored != len(set(blobs)):
            raise SystemExit(f"the raw server stored {stored} files, expected {len(blobs)}")
    finally:
        _stop(server)
        _stop(raw_server)
        shutil.rmtree(tmp, ignore_errors=True)

    _report(rows, best_timed, resync_timed)
    raw_best = min(row["wall"] for name, row in rows if name == "raw")
    sync_best = min(row["wall"] for name, row in rows if name == "sync")
    ratio = sync_best / raw_best
    print(
        f"best sync {sync_best:.2f} s / best raw {raw_best:.2f} s; aim sync <= 1.3x raw "
        f"{'met' if ratio <= 1.3 else 'MISSED'}; load average {os.getloadavg()[0]:.1f}; "
        f"total runtime {time.perf_counter() - begun:.0f} s"
    )
    print(
        f"upload: sync/raw {ratio:.2f}; resync {resync['bytes']:.0f} bytes; "
        f"{first['requests']:.0f} requests"
    )


if __name__ == "__main__":
    main()
