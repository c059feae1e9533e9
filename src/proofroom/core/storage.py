"""Files stored whole or not at all, under a key named by their content's SHA-256.

On a local file system a file is written to a temporary name in its final folder,
fsynced, checked against its SHA-256 and renamed into place (``os.replace`` is atomic
within one file system), so a crash at any line leaves the old file, the new whole file
or a temporary file that the gallery's sweep removes, never a half-written file under the
final name. A storage without local paths (object storage) is written through Django's
storage API: an object store replaces a key atomically, so the same holds there.

A stored file that does not hash to its name does not exist: a store that finds one
replaces it, and :func:`stored_sha256` lets a sweep find one.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, default_storage

# Temporary files start with this, so a sweep knows them for what they are.
TEMP_PREFIX = ".partial-"
_CHUNK = 1 << 20


class StoredFileDamaged(Exception):
    """The bytes to store do not hash to the name they were to be stored under."""

    def __init__(self, key: str) -> None:
        super().__init__(f"The bytes for {key} do not match their SHA-256; nothing was stored.")
        self.key = key


def store_verified(
    *, key: str, content: bytes | IO[bytes], sha256: str, storage: Storage | None = None
) -> bool:
    """Store ``content`` under ``key`` unless an intact copy is there already.

    True when bytes were written (the key was free or held a damaged file), False when the
    intact file was kept. Raises :class:`StoredFileDamaged` (and stores nothing) when the
    content does not hash to ``sha256``. Never stores under another name: two stores of the
    same key at once leave one whole file.
    """
    storage = storage or default_storage
    path = local_path(storage, key)
    if path is None:
        return _store_through_api(storage, key, content, sha256)
    if _file_sha256(path) == sha256:
        # Kept, not rewritten: a fresh time tells a sweep the file is in use again.
        os.utime(path)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            digest = _copy_hashing(content, out)
            out.flush()
            os.fsync(out.fileno())
        if digest != sha256:
            raise StoredFileDamaged(key)
        mode = getattr(storage, "file_permissions_mode", None)
        os.chmod(temp, mode if mode is not None else 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_folder(path.parent)
    return True


def store_verified_many(
    items: Sequence[tuple[str, bytes, str]], *, storage: Storage | None = None
) -> list[str]:
    """Store several ``(key, content, sha256)``, as :func:`store_verified` stores one; returns
    the keys written.

    The same guarantees, paid for once per batch instead of once per file: each file is
    written and checked under a temporary name, the file system is flushed once, the files
    are renamed into place, and the renames are flushed once. A crash leaves whole files and
    temporary ones, never a half-written file under its final name.
    """
    storage = storage or default_storage
    if not items:
        return []
    if local_path(storage, items[0][0]) is None:
        return [
            key
            for key, content, sha256 in items
            if store_verified(key=key, content=content, sha256=sha256, storage=storage)
        ]
    mode = getattr(storage, "file_permissions_mode", None)
    pending: list[tuple[str, Path, str]] = []
    written: list[str] = []
    try:
        for key, content, sha256 in items:
            path = local_path(storage, key)
            assert path is not None
            if _file_sha256(path) == sha256:
                os.utime(path)  # kept: a fresh time tells a sweep it is in use again
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
            pending.append((temp, path, key))
            with os.fdopen(fd, "wb") as out:
                if _copy_hashing(content, out) != sha256:
                    raise StoredFileDamaged(key)
            os.chmod(temp, mode if mode is not None else 0o644)
        _flush([temp for temp, _, _ in pending])
        while pending:
            temp, path, key = pending[0]
            os.replace(temp, path)
            pending.pop(0)
            written.append(key)
    except BaseException:
        for temp, _, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        raise
    if written:
        _flush([str(local_path(storage, key)) for key in written], folders=True)
    return written


def _flush(paths: list[str], *, folders: bool = False) -> None:
    """Make the files (or, with ``folders``, the renames into their folders) durable.

    One ``syncfs`` of their file system where Linux offers it: a single journal commit for
    the batch, where an ``fsync`` per file costs one each.
    """
    if not paths:
        return
    if _syncfs is not None:
        fd = os.open(paths[0], os.O_RDONLY)
        try:
            if _syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    targets = {str(Path(p).parent) for p in paths} if folders else set(paths)
    for target in targets:
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _load_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syncfs: Callable[[int], int] = libc.syncfs
        return syncfs
    except (OSError, AttributeError):
        return None


_syncfs = _load_syncfs()


def stored_sha256(key: str, *, storage: Storage | None = None) -> str | None:
    """The SHA-256 of what is stored under ``key``, or None when nothing is."""
    storage = storage or default_storage
    path = local_path(storage, key)
    if path is not None:
        return _file_sha256(path)
    try:
        handle = storage.open(key, "rb")
    except (OSError, ValueError):
        return None
    with handle:
        return _copy_hashing(handle, None)


def stored_size(key: str, *, storage: Storage | None = None) -> int | None:
    """The size in bytes of what is stored under ``key``, or None when nothing is."""
    storage = storage or default_storage
    try:
        return storage.size(key)
    except (OSError, ValueError):
        return None


def local_path(storage: Storage, key: str) -> Path | None:
    """The file behind ``key`` on this machine, or None for a storage without paths."""
    try:
        return Path(storage.path(key))
    except NotImplementedError:
        return None


def is_temporary(name: str) -> bool:
    return os.path.basename(name).startswith(TEMP_PREFIX)


def _store_through_api(storage: Storage, key: str, content: bytes | IO[bytes], sha256: str) -> bool:
    if stored_sha256(key, storage=storage) == sha256:
        return False
    with tempfile.SpooledTemporaryFile(max_size=8 * _CHUNK) as spool:
        if _copy_hashing(content, spool) != sha256:
            raise StoredFileDamaged(key)
        spool.seek(0)
        if storage.exists(key):
            storage.delete(key)  # a damaged copy; a storage that would rename must not
        name = storage.save(key, File(spool, name=key))
    if name != key:
        # Another store of the same bytes won the key meanwhile: keep one copy only.
        storage.delete(name)
    return True


def _copy_hashing(content: bytes | IO[bytes], out: IO[bytes] | None) -> str:
    digest = hashlib.sha256()
    if isinstance(content, bytes):
        digest.update(content)
        if out is not None:
            out.write(content)
        return digest.hexdigest()
    while chunk := content.read(_CHUNK):
        digest.update(chunk)
        if out is not None:
            out.write(chunk)
    return digest.hexdigest()


def _file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return _copy_hashing(handle, None)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: a power cut must not bring the old name back."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
