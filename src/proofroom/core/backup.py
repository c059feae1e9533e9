"""Backups of the side(s) this process runs: each database, the media, and a manifest.

A backup is a folder:

    manifest.json     what, when, which versions, and the SHA-256 of every part
    studio.sqlite3    a side's SQLite database, copied with SQLite's online backup API
    gallery.dump      (or) a side's PostgreSQL database, as ``pg_dump -Fc`` writes it
    media.tar         MEDIA_ROOT: originals, derivatives, the gallery's copies

Taking one stops nothing. Putting one back refuses to run beside a server, a worker or a
sync of the same data folder (they hold a shared ``flock`` on ``DATA/proofroom.lock``; a
restore needs it exclusively), checks every part against the manifest before it changes
anything, removes the SQLite write-ahead log beside the database it replaces (a newer
``-wal`` file replayed over an older database corrupts it), and checks the result.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
LOCK_FILE = "proofroom.lock"
MEDIA_PART = "media"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

_held_lock: IO[bytes] | None = None


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Part:
    name: str
    kind: str  # "sqlite", "postgresql" or "media"
    file: str
    sha256: str
    size: int


# --- The data folder's lock ------------------------------------------------------------


def _lock_file() -> IO[bytes]:
    return open(Path(settings.DATA_DIR) / LOCK_FILE, "a+b")


def hold_running_lock() -> None:
    """Mark this process as using the data folder (serve, worker, sync, backup) until it ends.

    Many may hold it at once; a restore in progress holds it exclusively, and then we stop.
    """
    global _held_lock
    if _held_lock is not None:
        return
    handle = _lock_file()
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupError(
            f"a restore is running on the data folder {settings.DATA_DIR}; wait for it to finish"
        ) from None
    _held_lock = handle


def _take_restore_lock() -> IO[bytes]:
    handle = _lock_file()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupError(
            f"a Proofroom server, worker or sync is running on the data folder "
            f"{settings.DATA_DIR}: stop it (and `proofroom worker`), then restore again. "
            "Nothing was changed."
        ) from None
    return handle


# --- SQLite checks ---------------------------------------------------------------------


def _sqlite_files() -> list[Path]:
    return [
        Path(str(db["NAME"]))
        for db in settings.DATABASES.values()
        if str(db["ENGINE"]).endswith("sqlite3") and str(db["NAME"]) != ":memory:"
    ]


def _sqlite_check(path: Path, pragma: str) -> str:
    """'ok', or what SQLite found wrong with the database file (``pragma`` names the check)."""
    try:
        db = sqlite3.connect(path)
        try:
            rows = db.execute(f"PRAGMA {pragma}(5)").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    found = "; ".join(str(row[0]) for row in rows)
    return "ok" if found == "ok" else found[:300]


def databases_quick_check() -> None:
    """Refuse to go on with a damaged SQLite database rather than carry on over it.

    ``quick_check`` reads every page once (it skips the index cross-checks of a full
    ``integrity_check``): a fraction of a second for a studio's database.
    """
    for path in _sqlite_files():
        if not path.exists():
            continue
        found = _sqlite_check(path, "quick_check")
        if found != "ok":
            raise BackupError(
                f"the database {path} is damaged (SQLite's quick check: {found}). "
                "Nothing was started. Put back a backup with `proofroom restore BACKUP` "
                "(see the README's 'Backing up')."
            )


# --- Parts -----------------------------------------------------------------------------


def _sides() -> list[tuple[str, str]]:
    """(side, database alias) of every side this process runs."""
    sides = []
    if settings.RUNS_STUDIO:
        sides.append(("studio", settings.STUDIO_DB))
    if settings.RUNS_GALLERY:
        sides.append(("gallery", settings.GALLERY_DB))
    return sides


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own client tools
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools)") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live database, even while others write to it."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()


def _engine(db: dict[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"cannot back up or restore a {engine} database")


def _db_backup(side: str, alias: str, folder: Path) -> Part:
    db = connections[alias].settings_dict
    kind = _engine(db)
    if kind == "sqlite":
        target = folder / f"{side}.sqlite3"
        _sqlite_copy(Path(str(db["NAME"])), target)
        found = _sqlite_check(target, "integrity_check")
        if found != "ok":
            raise BackupError(f"the {side} database is damaged; the copy says: {found}")
    else:
        target = folder / f"{side}.dump"
        _run(["pg_dump", "-Fc", "--no-owner", "-f", str(target), str(db["NAME"])], _pg_env(db))
    return Part(side, kind, target.name, _sha256(target), target.stat().st_size)


def _media_backup(folder: Path) -> Part:
    target = folder / "media.tar"
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target, "w") as tar:
        if media.is_dir():
            tar.add(media, arcname="media")
        else:  # nothing stored yet: an empty folder
            folder_entry = tarfile.TarInfo("media")
            folder_entry.type, folder_entry.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(folder_entry)
    return Part(MEDIA_PART, "media", target.name, _sha256(target), target.stat().st_size)


def _versions() -> dict[str, str]:
    import django

    from proofroom import __version__

    versions = {
        "proofroom": __version__,
        "django": django.get_version(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }
    for _, alias in _sides():
        connection = connections[alias]
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            versions["postgresql"] = str(connection.pg_version)  # type: ignore[attr-defined]
    return versions


def backup_take(*, destination: Path) -> list[Part]:
    """Write a backup of this process's side(s) and media to the new folder ``destination``."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} exists and is not an empty folder; choose a new one")
    hold_running_lock()
    destination.mkdir(parents=True, exist_ok=True)
    parts = [_db_backup(side, alias, destination) for side, alias in _sides()]
    parts.append(_media_backup(destination))
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "side": settings.SIDE,
        "versions": _versions(),
        "parts": [part.__dict__ for part in parts],
    }
    # Written last: a folder without a manifest is an unfinished backup.
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return parts


# --- Restore ---------------------------------------------------------------------------


def _read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a finished Proofroom backup (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup this version of Proofroom can read")
    return manifest


def _parts_to_restore(source: Path, manifest: dict[str, Any]) -> dict[str, Part]:
    try:
        parts = {row["name"]: Part(**row) for row in manifest["parts"]}
    except (KeyError, TypeError):
        raise BackupError(f"{source / MANIFEST} lists its parts wrongly") from None
    wanted = [side for side, _ in _sides()] + [MEDIA_PART]
    missing = [name for name in wanted if name not in parts]
    if missing:
        raise BackupError(
            f"this backup has no {' or '.join(missing)} (it was taken with "
            f"PROOFROOM_SIDE={manifest.get('side')}; this process runs {settings.SIDE})"
        )
    for side, alias in _sides():
        engine = _engine(connections[alias].settings_dict)
        if parts[side].kind != engine:
            raise BackupError(
                f"the backup's {side} database is {parts[side].kind}; this one is {engine}"
            )
    for name in wanted:
        part = parts[name]
        path = source / Path(part.file).name
        if not path.is_file() or _sha256(path) != part.sha256:
            raise BackupError(f"{path} is missing or damaged: it does not match the manifest")
    return {name: parts[name] for name in wanted}


def _sqlite_restore(copy: Path, target: Path) -> None:
    fresh = target.with_name(target.name + ".restoring")
    fresh.unlink(missing_ok=True)
    _sqlite_copy(copy, fresh)
    # The log of the database we replace belongs to it alone: SQLite would replay it
    # over the restored file.
    for suffix in SQLITE_SIDE_FILES:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(fresh, target)
    found = _sqlite_check(target, "integrity_check")
    if found != "ok":
        raise BackupError(f"the restored {target} fails SQLite's integrity check: {found}")


def _postgresql_restore(dump: Path, db: dict[str, Any]) -> None:
    import psycopg

    params = {"dbname": str(db["NAME"])}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if db.get(key):
            params[name] = str(db[key])
    if db.get("PASSWORD"):
        params["password"] = str(db["PASSWORD"])
    # Tables the backup did not have (later migrations) must go too, or migrate trips on them.
    with psycopg.connect(**params, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    _run(
        [
            *("pg_restore", "--no-owner", "--no-privileges", "--single-transaction"),
            *("-d", str(db["NAME"]), str(dump)),
        ],
        _pg_env(db),
    )


def _extract(tar: tarfile.TarFile, folder: Path) -> None:
    """Unpack only plain files and folders under ``folder`` (never ``..``, links or devices)."""
    if hasattr(tarfile, "data_filter"):  # Python 3.11.4+, and Debian's patched 3.11.2
        tar.extractall(folder, filter="data")
        return
    for member in tar.getmembers():
        inside = (folder / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not inside.is_relative_to(folder.resolve()):
            raise BackupError(f"the media archive holds an unsafe entry: {member.name!r}")
    tar.extractall(folder)  # noqa: S202 - every member was checked above


def _media_restore(archive: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=".media-restoring-", dir=media.parent))
    try:
        with tarfile.open(archive) as tar:
            _extract(tar, unpacked)
        old = media.with_name(f".{media.name}-replaced")
        shutil.rmtree(old, ignore_errors=True)
        if media.exists():
            os.replace(media, old)
        os.replace(unpacked / "media", media)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def backup_restore(*, source: Path) -> list[Part]:
    """Put back the backup in ``source`` for this process's side(s), over what is there now."""
    manifest = _read_manifest(source)
    lock = _take_restore_lock()
    try:
        parts = _parts_to_restore(source, manifest)
        connections.close_all()
        for side, alias in _sides():
            part, db = parts[side], connections[alias].settings_dict
            copy = source / Path(part.file).name
            if part.kind == "sqlite":
                _sqlite_restore(copy, Path(str(db["NAME"])))
            else:
                _postgresql_restore(copy, db)
        _media_restore(source / Path(parts[MEDIA_PART].file).name)
        return list(parts.values())
    finally:
        lock.close()
