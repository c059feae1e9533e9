"""``proofroom import SESSION FOLDER`` in a terminal: progress, summary, refusals, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proofroom.imaging.samples import make_sample_photo
from tests.imaging.bad_files import make_non_image, make_truncated_jpeg


def proofroom(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PROOFROOM_", "DATABASE_URL", "DJANGO_"))
    }
    env.update({"PROOFROOM_DATA": str(data), "COLUMNS": "160"})
    return subprocess.run(
        [sys.executable, "-m", "proofroom.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def desk_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("desk")
    assert proofroom(data, "setup", "--studio", "Northlight Studio").returncode == 0
    made = proofroom(
        data,
        "manage",
        "shell",
        "-c",
        "import datetime as dt\n"
        "from proofroom.studio.clients import client_create\n"
        "from proofroom.studio.sessions import SessionType, session_create\n"
        "c = client_create(first_name='Ana', last_name='Souza', email='ana@example.com')\n"
        "t = SessionType.objects.create(name='Wedding')\n"
        "print(session_create(client=c, session_type=t, date=dt.date(2026, 11, 1)).number)",
    )
    assert made.stdout.strip().splitlines()[-1] == "1001", made.stderr
    return data


def test_import_reports_what_it_did_and_each_refused_file(desk_data: Path, tmp_path: Path) -> None:
    card = tmp_path / "card"
    card.mkdir()
    for n in range(3):
        make_sample_photo(card / f"Ana & Sam #{n}.jpg", width=1200, height=800, seed=n)
    make_truncated_jpeg(card / "cut off.jpg")
    make_non_image(card / "contract.jpg", "pdf")

    first = proofroom(desk_data, "import", "1001", str(card), "--workers", "2")
    assert first.returncode == 1, first.stderr  # some files were refused
    assert "Imported 3, already there 0, refused 2." in first.stdout
    assert "cut off.jpg" in first.stdout and "contract.jpg" in first.stdout
    assert "PDF" in first.stdout

    again = proofroom(desk_data, "import", "1001", str(card))
    assert "Imported 0, already there 3, refused 2." in again.stdout

    counted = proofroom(
        desk_data,
        "manage",
        "shell",
        "-c",
        "from proofroom.studio.images import Image\n"
        "print(Image.objects.filter(status='ready').count(), Image.objects.count())",
    )
    assert counted.stdout.strip().splitlines()[-1] == "3 3"


def test_clean_import_exits_zero(desk_data: Path, tmp_path: Path) -> None:
    card = tmp_path / "clean"
    card.mkdir()
    make_sample_photo(card / "only.jpg", width=800, height=600, seed=42)
    result = proofroom(desk_data, "import", "1001", str(card))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Imported 1, already there 0, refused 0." in result.stdout


def test_unknown_session_or_folder_is_one_clear_line(desk_data: Path, tmp_path: Path) -> None:
    missing_session = proofroom(desk_data, "import", "4242", str(tmp_path))
    assert missing_session.returncode == 2
    assert "there is no session #4242" in missing_session.stderr
    missing_folder = proofroom(desk_data, "import", "1001", str(tmp_path / "nope"))
    assert missing_folder.returncode == 2
    assert "There is no folder at" in missing_folder.stderr
    assert "Traceback" not in missing_session.stderr + missing_folder.stderr
