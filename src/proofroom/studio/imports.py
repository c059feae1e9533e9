"""Bringing originals into a session: from a folder on the studio machine or uploaded files.

Any file name is accepted and kept for display (``@ # $ &``, spaces, any
script); the storage key is made from the file's SHA-256, so it is always safe
and a re-import of the same bytes is recognised, not duplicated. A refused file
is recorded with its reason and the rest of the import carries on.
"""

from __future__ import annotations

import enum
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django_tasks import task

from proofroom.core.storage import StoredFileDamaged, store_verified
from proofroom.imaging import ImageRejected, inspect_original, sha256_file
from proofroom.studio.images import Image, ImportRejection
from proofroom.studio.sessions import Session
from proofroom.studio.tasks import image_derivatives_make

# Files that sit beside photographs but are not photographs: never imported.
SIDECAR_SUFFIXES = {".xmp", ".thm", ".db", ".ini", ".lrcat", ".lrdata"}
_EXT_FOR_FORMAT = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif"}


class Outcome(enum.Enum):
    IMPORTED = "imported"
    ALREADY_THERE = "already there"
    REFUSED = "refused"


@dataclass
class ImportSummary:
    imported: int = 0
    already_there: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, outcome: Outcome, reason: str = "") -> None:
        if outcome is Outcome.IMPORTED:
            self.imported += 1
        elif outcome is Outcome.ALREADY_THERE:
            self.already_there += 1
        else:
            self.refused.append((name, reason))


def display_name(name: str) -> str:
    """A file name as the photographer sees it: NFC, no path, no control characters."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or "unnamed"


def original_key(sha256: str, fmt: str) -> str:
    return f"originals/{sha256[:2]}/{sha256}{_EXT_FOR_FORMAT.get(fmt, '')}"


def _natural_key(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def image_import_file(
    *, session: Session, path: Path, name: str | None = None, enqueue: bool = True
) -> tuple[Outcome, str]:
    """Import one file. Returns the outcome and, when refused, the reason.

    With ``enqueue`` the previews are made by the background worker; the command
    line import makes them itself, on every core, and passes False.
    """
    name = display_name(name or path.name)
    size = path.stat().st_size
    digest = sha256_file(path)
    if Image.objects.filter(session=session, sha256=digest).exists():
        ImportRejection.objects.filter(session=session, file_name=name).delete()
        return Outcome.ALREADY_THERE, ""
    try:
        info = inspect_original(path)
    except ImageRejected as exc:
        ImportRejection.objects.update_or_create(
            session=session, file_name=name, defaults={"reason": exc.reason, "size_bytes": size}
        )
        return Outcome.REFUSED, exc.reason

    key = original_key(digest, info.format)
    with path.open("rb") as handle:
        try:
            store_verified(key=key, content=handle, sha256=digest)
        except StoredFileDamaged:
            reason = "The file changed while it was being imported; import it again."
            ImportRejection.objects.update_or_create(
                session=session, file_name=name, defaults={"reason": reason, "size_bytes": size}
            )
            return Outcome.REFUSED, reason
    try:
        with transaction.atomic():
            position = (
                Image.objects.filter(session=session).aggregate(p=Max("position"))["p"] or 0
            ) + 1
            image = Image.objects.create(
                session=session,
                file_name=name,
                position=position,
                sha256=digest,
                original_key=key,
                size_bytes=size,
                format=info.format,
                width=info.width,
                height=info.height,
                taken_at=info.taken_at,
                camera=(info.camera or "")[:120],
            )
            ImportRejection.objects.filter(session=session, file_name=name).delete()
            if enqueue:
                transaction.on_commit(lambda: _enqueue_derivatives(image.pk))
    except IntegrityError:
        return Outcome.ALREADY_THERE, ""
    return Outcome.IMPORTED, ""


def _enqueue_derivatives(image_id: int) -> None:
    image_derivatives_make.enqueue(image_id)


def files_in_folder(folder: Path) -> list[Path]:
    """Every file of a folder and its subfolders, in natural name order, but hidden files
    and editors' sidecars. A file that is not an image is refused with its reason."""
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.suffix.lower() not in SIDECAR_SUFFIXES
    ]
    return sorted(found, key=lambda p: _natural_key(str(p.relative_to(folder))))


def session_import_files(
    *,
    session: Session,
    files: Iterable[tuple[Path, str]],
    progress: Callable[[str, Outcome], None] | None = None,
    enqueue: bool = True,
) -> ImportSummary:
    """Import files (path, name shown) one by one; a failure of one never stops the rest."""
    summary = ImportSummary()
    for path, name in sorted(files, key=lambda f: _natural_key(f[1])):
        try:
            outcome, reason = image_import_file(
                session=session, path=path, name=name, enqueue=enqueue
            )
        except OSError as exc:
            outcome, reason = Outcome.REFUSED, f"Could not read the file ({exc.strerror or exc})."
        summary.add(display_name(name), outcome, reason)
        if progress is not None:
            progress(name, outcome)
    return summary


@task(queue_name="images")
def session_import_folder(session_id: int, folder: str) -> dict[str, object]:
    """Import a folder on the studio machine into a session, in the background."""
    session = Session.objects.get(pk=session_id)
    root = Path(folder)
    summary = session_import_files(
        session=session, files=[(p, str(p.relative_to(root))) for p in files_in_folder(root)]
    )
    return {
        "imported": summary.imported,
        "already_there": summary.already_there,
        "refused": len(summary.refused),
    }


def folder_check(raw: str) -> Path:
    """A folder path typed by staff, resolved; ValueError with a clear message when unusable."""
    if not raw.strip():
        raise ValueError("Give the folder's path.")
    folder = Path(raw.strip()).expanduser()
    if not folder.exists():
        raise ValueError(f"There is no folder at {folder}.")
    if not folder.is_dir():
        raise ValueError(f"{folder} is a file, not a folder.")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ValueError(f"Proofroom may not read {folder}.")
    return folder.resolve()
